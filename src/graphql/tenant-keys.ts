import { tenantCondition } from '../database/tenant-condition';

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
  return tenantCondition(
    keys.map((key) => {
      const { accountId, id } = parseTenantKey(key);
      return [accountId, id] as const;
    }),
    `${alias}.account_id`,
    `${alias}.${idColumn}`,
  );
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
