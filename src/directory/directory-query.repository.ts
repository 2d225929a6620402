import { Injectable } from '@nestjs/common';
import { Database, Row } from '../database/database';
import { groupByTenantKey, tenantKey, tenantKeysCondition } from '../graphql/tenant-keys';
import { DirectoryReadTable, DirectoryRowMappers } from './directory-row-mappers';
import { DIRECTORY_READS } from './directory-tables';
import { ContactModel } from './models/contact.model';
import { NumberModel } from './models/number.model';
import { TagModel } from './models/tag.model';
import { TeamModel } from './models/team.model';
import { UserModel } from './models/user.model';

export interface DirectoryListOptions {
  /** Accounts to list; null = every account (only for keys that see every account). */
  accountIds: string[] | null;
  includeDeleted: boolean;
}

/**
 * Every read of the directory tables. Lists are scoped by account; lookups take tenant keys
 * (`accountId:id`, see tenant-keys.ts) and answer a whole DataLoader batch in one statement.
 */
@Injectable()
export class DirectoryQueryRepository {
  private readonly map: DirectoryRowMappers;

  constructor(private readonly db: Database) {
    this.map = new DirectoryRowMappers(db);
  }

  listUsers(options: DirectoryListOptions): Promise<UserModel[]> {
    return this.list('users', options, (row) => this.map.user(row));
  }

  listNumbers(options: DirectoryListOptions): Promise<NumberModel[]> {
    return this.list('numbers', options, (row) => this.map.number(row));
  }

  listTeams(options: DirectoryListOptions): Promise<TeamModel[]> {
    return this.list('teams', options, (row) => this.map.team(row));
  }

  listTags(options: DirectoryListOptions): Promise<TagModel[]> {
    return this.list('tags', options, (row) => this.map.tag(row));
  }

  usersByKeys(keys: readonly string[]): Promise<Array<UserModel | null>> {
    return this.byKeys('users', keys, (row) => this.map.user(row));
  }

  numbersByKeys(keys: readonly string[]): Promise<Array<NumberModel | null>> {
    return this.byKeys('numbers', keys, (row) => this.map.number(row));
  }

  contactsByKeys(keys: readonly string[]): Promise<Array<ContactModel | null>> {
    return this.byKeys('contacts', keys, (row) => this.map.contact(row));
  }

  teamsByKeys(keys: readonly string[]): Promise<Array<TeamModel | null>> {
    return this.byKeys('teams', keys, (row) => this.map.team(row));
  }

  tagsByKeys(keys: readonly string[]): Promise<Array<TagModel | null>> {
    return this.byKeys('tags', keys, (row) => this.map.tag(row));
  }

  /** Members of each team (team tenant keys), in name order, deleted users left out. */
  async membersByTeamKeys(teamKeys: readonly string[]): Promise<UserModel[][]> {
    if (teamKeys.length === 0) return [];
    const condition = tenantKeysCondition(teamKeys, 'tu', 'team_id');
    const columns = DIRECTORY_READS.users.select('u');
    const rows = await this.db.read(
      `SELECT tu.team_id AS member_of, ${columns}
         FROM team_users tu JOIN users u ON u.account_id = tu.account_id AND u.id = tu.user_id
        WHERE ${condition.sql} AND u.deleted_at IS NULL
        ORDER BY u.name, u.id`,
      condition.params,
    );
    return groupByTenantKey(teamKeys, rows, (row) =>
      tenantKey(String(row.account_id), String(row.member_of)),
    ).map((group) => group.map((row) => this.map.user(row)));
  }

  private async list<T>(
    table: DirectoryReadTable,
    options: DirectoryListOptions,
    toModel: (row: Row) => T,
  ): Promise<T[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (options.accountIds !== null) {
      if (options.accountIds.length === 0) return [];
      where.push(`account_id IN (${options.accountIds.map(() => '?').join(', ')})`);
      params.push(...options.accountIds);
    }
    if (!options.includeDeleted) where.push('deleted_at IS NULL');
    const order = table === 'contacts' ? 'last_name, first_name, account_id, id' : 'name, account_id, id';
    const rows = await this.db.read(
      `SELECT ${DIRECTORY_READS[table].select()} FROM ${table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order}`,
      params,
    );
    return rows.map(toModel);
  }

  private async byKeys<T>(
    table: DirectoryReadTable,
    keys: readonly string[],
    toModel: (row: Row) => T,
  ): Promise<Array<T | null>> {
    if (keys.length === 0) return [];
    const condition = tenantKeysCondition(keys, 't');
    const rows = await this.db.read(
      `SELECT ${DIRECTORY_READS[table].select('t')} FROM ${table} t WHERE ${condition.sql}`,
      condition.params,
    );
    const found = new Map(
      rows.map((row) => [tenantKey(String(row.account_id), String(row.id)), toModel(row)]),
    );
    return keys.map((key) => found.get(key) ?? null);
  }
}
