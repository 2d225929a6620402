/**
 * Rows of tenant-owned tables are addressed by (account_id, id). DataLoaders key them as one string
 * and batch them into one statement whose condition still leads with account_id (index-friendly on
 * both engines, unlike row-constructor IN lists on older MariaDB).
 */
export interface TenantKey {
  accountId: string;
  id: string;
}

export function tenantKey(accountId: string, id: string): string {
  return `${accountId}:${id}`;
}

export function parseTenantKey(key: string): TenantKey {
  const at = key.indexOf(':');
  return { accountId: key.slice(0, at), id: key.slice(at + 1) };
}

/**
 * `((a.account_id = ? AND a.<idColumn> IN (?, …)) OR …)` for the given keys, grouped by account, with
 * its parameters. `keys` must not be empty.
 */
export function tenantKeysCondition(
  keys: readonly string[],
  alias: string,
  idColumn = 'id',
): { sql: string; params: string[] } {
  const byAccount = new Map<string, Set<string>>();
  for (const key of keys) {
    const { accountId, id } = parseTenantKey(key);
    let ids = byAccount.get(accountId);
    if (!ids) byAccount.set(accountId, (ids = new Set()));
    ids.add(id);
  }
  const parts: string[] = [];
  const params: string[] = [];
  for (const [accountId, ids] of byAccount) {
    parts.push(
      `(${alias}.account_id = ? AND ${alias}.${idColumn} IN (${[...ids].map(() => '?').join(', ')}))`,
    );
    params.push(accountId, ...ids);
  }
  return { sql: `(${parts.join(' OR ')})`, params };
}

/** Groups rows by their tenant key, so a loader can answer each key in order (empty list when none). */
export function groupByTenantKey<T>(
  keys: readonly string[],
  rows: readonly T[],
  keyOf: (row: T) => string,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}
