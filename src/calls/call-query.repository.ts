import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { groupByTenantKey, tenantKey, tenantKeysCondition } from '../graphql/tenant-keys';
import { CallCursor } from './call-cursor';
import { CallFilter } from './call-filter';
import { callFilterSql } from './call-filter-sql';
import { CallOrder } from './call-order';
import { CallRowMapper, TAG_LINK, TAG_SHOWN } from './call-row-mapper';
import { CALL_COMMENTS, CALL_PAGE } from './call-tables';
import { CallCommentModel } from './models/call-comment.model';
import { CallModel } from './models/call.model';
import { CallTagModel } from './models/call-tag.model';

const SELECT_CALL = CALL_PAGE.select('c');

/**
 * Every read of `calls` and its link tables. Pages use keyset conditions on (started_at, account_id, id)
 * — the order of IDX_calls_started / IDX_calls_started_all — so page N costs what page 1 costs and rows
 * inserted meanwhile never shift a page (no OFFSET).
 */
@Injectable()
export class CallQueryRepository {
  private readonly map: CallRowMapper;

  constructor(private readonly db: Database) {
    this.map = new CallRowMapper(db);
  }

  /**
   * Up to `limit` calls after `after` in `order`. A team or tag filter within one account reads its
   * link table's (account_id, team/tag, started_at, call_id) index in order and joins the calls it
   * needs, rather than finding every linked call and sorting them.
   */
  async page(
    filter: CallFilter,
    order: CallOrder,
    limit: number,
    after: CallCursor | null,
  ): Promise<CallModel[]> {
    const link = drivingLink(filter);
    const { where, params } = callFilterSql(this.db, link ? { ...filter, [link.filterKey]: null } : filter);
    const keys: KeyColumns = link
      ? { startedAt: 'l.started_at', accountId: 'l.account_id', id: 'l.call_id' }
      : { startedAt: 'c.started_at', accountId: 'c.account_id', id: 'c.id' };
    if (link) {
      where.push(`l.account_id = ?`, `l.${link.column} = ?`);
      params.push(link.accountId, link.value);
    }
    if (after) {
      const keyset = this.keysetCondition(order, after, keys);
      where.push(keyset.sql);
      params.push(...keyset.params);
    }
    const dir = order === CallOrder.STARTED_AT_ASC ? 'ASC' : 'DESC';
    const from = link
      ? `${link.table} l JOIN calls c ON c.account_id = l.account_id AND c.id = l.call_id`
      : 'calls c';
    const rows = await this.db.read(
      `SELECT ${SELECT_CALL} FROM ${from} WHERE ${where.join(' AND ')}
        ORDER BY ${keys.startedAt} ${dir}, ${keys.accountId} ${dir}, ${keys.id} ${dir} LIMIT ${Math.floor(limit)}`,
      params,
    );
    return rows.map((row) => this.map.call(row));
  }

  async count(filter: CallFilter): Promise<number> {
    const { where, params } = callFilterSql(this.db, filter);
    const [row] = await this.db.read<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM calls c WHERE ${where.join(' AND ')}`,
      params,
    );
    return Number(row?.n ?? 0);
  }

  /** One call by id within the scope; several when the id exists in more than one visible account. */
  async findById(id: string, accountIds: string[] | null): Promise<CallModel[]> {
    const { where, params } = callFilterSql(this.db, { accountIds });
    const rows = await this.db.read(
      `SELECT ${SELECT_CALL} FROM calls c WHERE c.id = ? AND ${where.join(' AND ')} ORDER BY c.account_id`,
      [id, ...params],
    );
    return rows.map((row) => this.map.call(row));
  }

  /** Teams each call (tenant key) rang, by team id; the team rows are loaded separately. */
  async teamIdsByCallKeys(callKeys: readonly string[]): Promise<string[][]> {
    if (callKeys.length === 0) return [];
    const condition = tenantKeysCondition(callKeys, 'ct', 'call_id');
    const rows = await this.db.read(
      `SELECT ct.account_id, ct.call_id, ct.team_id FROM call_teams ct WHERE ${condition.sql} ORDER BY ct.team_id`,
      condition.params,
    );
    return groupByTenantKey(callKeys, rows, (row) =>
      tenantKey(String(row.account_id), String(row.call_id)),
    ).map((group) => group.map((row) => String(row.team_id)));
  }

  async tagsByCallKeys(callKeys: readonly string[]): Promise<CallTagModel[][]> {
    if (callKeys.length === 0) return [];
    const condition = tenantKeysCondition(callKeys, 'ct', 'call_id');
    const rows = await this.db.read(
      `SELECT ${TAG_LINK.select('ct')}, ${TAG_SHOWN.select('t')}
         FROM call_tags ct LEFT JOIN tags t ON t.account_id = ct.account_id AND t.id = ct.tag_id
        WHERE ${condition.sql}
        ORDER BY ct.tagged_at, ct.tag_id`,
      condition.params,
    );
    return groupByTenantKey(callKeys, rows, (row) =>
      tenantKey(String(row.account_id), String(row.call_id)),
    ).map((group) => group.map((row) => this.map.tag(row)));
  }

  async commentsByCallKeys(callKeys: readonly string[]): Promise<CallCommentModel[][]> {
    if (callKeys.length === 0) return [];
    const condition = tenantKeysCondition(callKeys, 'cc', 'call_id');
    const rows = await this.db.read(
      `SELECT ${CALL_COMMENTS.select('cc')}
         FROM call_comments cc WHERE ${condition.sql} ORDER BY cc.posted_at, cc.id`,
      condition.params,
    );
    return groupByTenantKey(callKeys, rows, (row) =>
      tenantKey(String(row.account_id), String(row.call_id)),
    ).map((group) => group.map((row) => this.map.comment(row)));
  }

  /**
   * Rows strictly after the cursor in the connection's order. Both engines sort NULL started_at first
   * ascending and last descending; the expanded OR form (rather than a row-value comparison) lets
   * MariaDB's range optimizer use the (…, started_at, account_id, id) indexes.
   */
  private keysetCondition(
    order: CallOrder,
    cursor: CallCursor,
    keys: KeyColumns,
  ): { sql: string; params: unknown[] } {
    const cmp = order === CallOrder.STARTED_AT_ASC ? '>' : '<';
    const { startedAt, accountId, id } = keys;
    const tie = `(${accountId} ${cmp} ? OR (${accountId} = ? AND ${id} ${cmp} ?))`;
    const tieParams = [cursor.accountId, cursor.accountId, cursor.id];
    if (cursor.startedAt === null) {
      const later = order === CallOrder.STARTED_AT_ASC ? `${startedAt} IS NOT NULL OR ` : '';
      return { sql: `(${later}(${startedAt} IS NULL AND ${tie}))`, params: tieParams };
    }
    const at = this.db.date(cursor.startedAt);
    const nulls = order === CallOrder.STARTED_AT_DESC ? ` OR ${startedAt} IS NULL` : '';
    return {
      sql: `(${startedAt} ${cmp} ?${nulls} OR (${startedAt} = ? AND ${tie}))`,
      params: [at, at, ...tieParams],
    };
  }
}

/** The columns a page is ordered and resumed by: the call's, or the driving link table's copies. */
interface KeyColumns {
  startedAt: string;
  accountId: string;
  id: string;
}

interface DrivingLink {
  table: 'call_tags' | 'call_teams';
  column: 'tag_id' | 'team_id';
  filterKey: 'tagId' | 'teamId';
  accountId: string;
  value: string;
}

/** The link table to read a page from: a tag (usually the narrower) or a team filter within one account. */
function drivingLink(filter: CallFilter): DrivingLink | null {
  if (filter.accountIds === null || filter.accountIds.length !== 1) return null;
  const accountId = filter.accountIds[0];
  if (filter.tagId)
    return { table: 'call_tags', column: 'tag_id', filterKey: 'tagId', accountId, value: filter.tagId };
  if (filter.teamId)
    return { table: 'call_teams', column: 'team_id', filterKey: 'teamId', accountId, value: filter.teamId };
  return null;
}
