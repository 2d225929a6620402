/**
 * `((<tenant> = ? AND <id> IN (?, …)) OR …)` matching the composite keys (tenant, id), grouped by
 * tenant so both engines use the primary key (MariaDB scans the table for a row-constructor
 * `(a, b) IN ((…), (…))` list), with its parameters; `1 = 0` for no keys. The columns are SQL as
 * given (quoted or qualified by the caller).
 */
export function tenantCondition(
  keys: Iterable<readonly [string, string]>,
  tenantColumn: string,
  idColumn: string,
): { sql: string; params: string[] } {
  const byTenant = new Map<string, Set<string>>();
  for (const [tenant, id] of keys) {
    let ids = byTenant.get(tenant);
    if (!ids) byTenant.set(tenant, (ids = new Set()));
    ids.add(id);
  }
  const parts: string[] = [];
  const params: string[] = [];
  for (const [tenant, ids] of byTenant) {
    parts.push(`(${tenantColumn} = ? AND ${idColumn} IN (${[...ids].map(() => '?').join(', ')}))`);
    params.push(tenant, ...ids);
  }
  return { sql: parts.length === 0 ? '1 = 0' : `(${parts.join(' OR ')})`, params };
}
