import { Database } from '../database/database';
import { CallFilter } from './call-filter';

export interface SqlCondition {
  /** Conditions to AND together (never empty: the account scope is always one). */
  where: string[];
  params: unknown[];
}

/**
 * The WHERE conditions of a CallFilter on `calls <alias>`. Shared by the calls connection and the stats
 * so both count exactly the same calls. Team and tag filters are EXISTS on the link tables (their
 * primary keys start with account_id, call_id; the `(account_id, team/tag, started_at, call_id)` indexes
 * serve them, and drive the pages of one team or tag: CallQueryRepository.page).
 */
export function callFilterSql(db: Database, filter: CallFilter, alias = 'c'): SqlCondition {
  const where: string[] = [];
  const params: unknown[] = [];
  const a = alias;
  if (filter.accountIds !== null) {
    if (filter.accountIds.length === 0) where.push('1 = 0');
    else if (filter.accountIds.length === 1) {
      where.push(`${a}.account_id = ?`);
      params.push(filter.accountIds[0]);
    } else {
      where.push(`${a}.account_id IN (${filter.accountIds.map(() => '?').join(', ')})`);
      params.push(...filter.accountIds);
    }
  }
  if (filter.startedAfter) {
    where.push(`${a}.started_at >= ?`);
    params.push(db.date(filter.startedAfter));
  }
  if (filter.startedBefore) {
    where.push(`${a}.started_at < ?`);
    params.push(db.date(filter.startedBefore));
  }
  const equals = (column: string, value: unknown) => {
    where.push(`${a}.${column} = ?`);
    params.push(value);
  };
  if (filter.direction) equals('direction', filter.direction);
  if (filter.status) equals('status', filter.status.toLowerCase());
  if (filter.missed !== undefined && filter.missed !== null) equals('missed', db.bool(filter.missed));
  if (filter.outcome) equals('outcome', filter.outcome);
  if (filter.archived !== undefined && filter.archived !== null) equals('archived', db.bool(filter.archived));
  if (filter.userId) equals('user_id', filter.userId);
  if (filter.numberId) equals('number_id', filter.numberId);
  if (filter.contactId) equals('contact_id', filter.contactId);
  if (filter.digits) equals('digits', filter.digits);
  if (filter.hasRecording !== undefined && filter.hasRecording !== null) {
    where.push(`${a}.recording_url IS ${filter.hasRecording ? 'NOT ' : ''}NULL`);
  }
  if (filter.hasVoicemail !== undefined && filter.hasVoicemail !== null) {
    where.push(`${a}.voicemail_url IS ${filter.hasVoicemail ? 'NOT ' : ''}NULL`);
  }
  if (filter.teamId) {
    where.push(
      `EXISTS (SELECT 1 FROM call_teams ft WHERE ft.account_id = ${a}.account_id AND ft.call_id = ${a}.id AND ft.team_id = ?)`,
    );
    params.push(filter.teamId);
  }
  if (filter.tagId) {
    where.push(
      `EXISTS (SELECT 1 FROM call_tags fg WHERE fg.account_id = ${a}.account_id AND fg.call_id = ${a}.id AND fg.tag_id = ?)`,
    );
    params.push(filter.tagId);
  }
  if (where.length === 0) where.push('1 = 1');
  return { where, params };
}
