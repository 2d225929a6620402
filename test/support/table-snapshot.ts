import { Database } from '../../src/database/database';

const BOOKKEEPING = new Set(['created_at', 'updated_at', 'account_id']);
const TABLES: Record<string, string> = {
  calls: 'id',
  call_teams: 'call_id, team_id',
  call_tags: 'call_id, tag_id',
  call_comments: 'call_id, id',
  users: 'id',
  numbers: 'id',
  teams: 'id',
  tags: 'id',
  contacts: 'id',
};

/**
 * Everything one account holds, normalised across engines (ids and numbers as strings, dates as ISO,
 * JSON parsed), without our own bookkeeping stamps — to compare two accounts fed the same events.
 */
export async function accountSnapshot(db: Database, accountId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [table, order] of Object.entries(TABLES)) {
    const rows = await db.query<Record<string, unknown>>(
      `SELECT * FROM ${table} WHERE account_id = ? ORDER BY ${order}`,
      [accountId],
    );
    out[table] = rows.map((row) => {
      const clean: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) {
        if (BOOKKEEPING.has(k)) continue;
        if (v instanceof Date) clean[k] = v.toISOString();
        else if (typeof v === 'string' && /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d/.test(v))
          clean[k] = db.parseDate(v)!.toISOString();
        else if (
          k === 'payload' ||
          k === 'field_versions' ||
          k === 'participants' ||
          k === 'ivr_options' ||
          k === 'phone_numbers' ||
          k === 'emails'
        )
          clean[k] = db.parseJson(v);
        else if (v === null || v === undefined) clean[k] = null;
        else clean[k] = String(v);
      }
      return clean;
    });
  }
  return out;
}
