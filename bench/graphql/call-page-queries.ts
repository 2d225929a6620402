import { Pool } from 'mysql2/promise';
import { CALL_PAGE } from '../../src/calls/call-tables';
import { DIRECTORY_READS } from '../../src/directory/directory-tables';

/** Every field of a call and of each related object: what a dashboard listing calls would ask for. */
export const CALLS_PAGE_QUERY = `query BenchCalls($filter: CallFilter, $first: Int, $after: String) {
  calls(filter: $filter, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id accountId callUuid directLink direction status missedCallReason hangupCause startedAt answeredAt endedAt duration
      missed inCallDuration waitingDuration rawDigits digits archived cost countryCode recordingUrl voicemailUrl assetUrl lastEvent updatedAt
      user { ...user } assignedTo { ...user } transferredBy { ...user } transferredTo { ...user }
      number { id accountId name digits e164Digits country timeZone open availabilityStatus isIvr liveRecordingActivated priority createdAt deletedAt }
      contact { id accountId firstName lastName companyName description information isShared phoneNumbers { id label value } emails { id label value } createdAt updatedAt deletedAt }
      teams { id accountId name createdAt deletedAt }
      tags { id accountId name color description taggedAt taggedBy { ...user } }
      comments { id accountId content postedAt postedBy { ...user } }
    } }
  }
}
fragment user on User { id accountId name email available availabilityStatus substatus timeZone language wrapUpTime createdAt deletedAt }`;

export const STATS_BY_DAY_QUERY = `query BenchStats($filter: CallFilter) {
  callStats(filter: $filter, groupBy: DAY) { key label start end total inbound outbound answered missed missedRate avgInCallDuration p90InCallDuration avgWaitingDuration }
}`;

/** The filter of one benchmark iteration, in GraphQL terms; `raw` turns it into the equivalent SQL. */
export interface PageVariant {
  name: string;
  filter: Record<string, string | boolean>;
}

export interface LastNode {
  startedAt: string;
  id: string;
}

type Row = Record<string, unknown>;

/**
 * Baseline: the same page fetched with hand-written SQL through mysql2 — the page of calls, then every
 * related row with IN lists (two rounds, each round's statements in parallel on the pool), with no
 * GraphQL, no DataLoader and no object mapping. What the GraphQL layer adds is measured against this.
 */
export async function rawCallsPage(
  pool: Pool,
  accountId: string,
  variant: PageVariant,
  first: number,
  after: LastNode | null,
): Promise<Row[]> {
  const where = ['c.account_id = ?'];
  const params: unknown[] = [accountId];
  const f = variant.filter;
  const condition = (sql: string, value: unknown) => {
    where.push(sql);
    params.push(value);
  };
  if (f.startedAfter) condition('c.started_at >= ?', sqlDate(String(f.startedAfter)));
  if (f.startedBefore) condition('c.started_at < ?', sqlDate(String(f.startedBefore)));
  if (f.direction) condition('c.direction = ?', String(f.direction).toLowerCase());
  if (f.missed !== undefined) condition('c.missed = ?', f.missed ? 1 : 0);
  if (f.userId) condition('c.user_id = ?', f.userId);
  if (f.numberId) condition('c.number_id = ?', f.numberId);
  // A tag's calls: read in order from the tag index, as anyone writing the SQL by hand would.
  const byTag = Boolean(f.tagId);
  const [at, id] = byTag ? ['g.started_at', 'g.call_id'] : ['c.started_at', 'c.id'];
  if (byTag) {
    condition('g.account_id = ?', accountId);
    condition('g.tag_id = ?', f.tagId);
  }
  if (after) {
    const when = sqlDate(after.startedAt);
    where.push(`(${at} < ? OR (${at} = ? AND ${id} < ?))`);
    params.push(when, when, after.id);
  }
  const from = byTag
    ? 'call_tags g JOIN calls c ON c.account_id = g.account_id AND c.id = g.call_id'
    : 'calls c';
  const [callRows] = await pool.query(
    `SELECT ${CALL_PAGE.select('c')} FROM ${from} WHERE ${where.join(' AND ')}
      ORDER BY ${at} DESC, ${id} DESC LIMIT ${first}`,
    params,
  );
  const calls = callRows as Row[];
  if (calls.length === 0) return calls;
  const ids = calls.map((c) => String(c.id));
  const idsOf = (column: string) => [
    ...new Set(
      calls
        .map((c) => c[column])
        .filter((v) => v !== null)
        .map(String),
    ),
  ];
  const byIds = async (sql: string, list: string[]): Promise<Row[]> => {
    if (list.length === 0) return [];
    const [rows] = await pool.query(sql.replace('(?)', `(${list.map(() => '?').join(', ')})`), [
      accountId,
      ...list,
    ]);
    return rows as Row[];
  };
  const [teamLinks, tags, comments] = await Promise.all([
    byIds(
      'SELECT account_id, call_id, team_id FROM call_teams WHERE account_id = ? AND call_id IN (?) ORDER BY team_id',
      ids,
    ),
    byIds(
      `SELECT ct.account_id, ct.call_id, ct.tag_id, ct.tagged_by_id, ct.tagged_at, t.name, t.color, t.description
         FROM call_tags ct LEFT JOIN tags t ON t.account_id = ct.account_id AND t.id = ct.tag_id
        WHERE ct.account_id = ? AND ct.call_id IN (?) ORDER BY ct.tagged_at, ct.tag_id`,
      ids,
    ),
    byIds(
      'SELECT account_id, call_id, id, content, posted_by_id, posted_at FROM call_comments WHERE account_id = ? AND call_id IN (?) ORDER BY posted_at, id',
      ids,
    ),
    byIds(
      `SELECT ${DIRECTORY_READS.numbers.select()} FROM numbers WHERE account_id = ? AND id IN (?)`,
      idsOf('number_id'),
    ),
    byIds(
      `SELECT ${DIRECTORY_READS.contacts.select()} FROM contacts WHERE account_id = ? AND id IN (?)`,
      idsOf('contact_id'),
    ),
  ]);
  const userIds = new Set(
    [
      ...['user_id', 'assigned_to_id', 'transferred_by_id', 'transferred_to_id'].flatMap(idsOf),
      ...tags.map((t) => t.tagged_by_id),
      ...comments.map((c) => c.posted_by_id),
    ]
      .filter((v) => v !== null && v !== undefined)
      .map(String),
  );
  await Promise.all([
    byIds(`SELECT ${DIRECTORY_READS.users.select()} FROM users WHERE account_id = ? AND id IN (?)`, [
      ...userIds,
    ]),
    byIds(`SELECT ${DIRECTORY_READS.teams.select()} FROM teams WHERE account_id = ? AND id IN (?)`, [
      ...new Set(teamLinks.map((l) => String(l.team_id))),
    ]),
  ]);
  return calls;
}

function sqlDate(iso: string): string {
  return new Date(iso).toISOString().slice(0, 23).replace('T', ' ');
}
