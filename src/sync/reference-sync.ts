import { Injectable } from '@nestjs/common';
import { AccountsService } from '../accounts/accounts.service';
import { Identity } from '../accounts/accounts.repository';
import { AircallClient, isLastPage } from '../aircall/aircall-client';
import { AircallCredentials } from '../aircall/aircall-credentials';
import { AircallPageMeta, AircallTeam } from '../aircall/aircall-types';
import { API_SNAPSHOT_SOURCE } from '../aircall/state-version';
import { Database } from '../database/database';
import {
  DirectoryRecord,
  numberRecord,
  tagRecord,
  teamRecord,
  userRecord,
} from '../directory/directory-records';
import { DirectoryUpserter } from '../directory/directory-upserter';
import { TEAM_USERS } from '../directory/directory-tables';

type PageReader<T> = (page: number) => Promise<{ items: T[]; meta: AircallPageMeta }>;

/**
 * Users (`/v2/users`), teams with their members, numbers and tags from their list endpoints, written
 * through the DirectoryUpserter before any call of the run, so the teams and tags a call mentions exist
 * with their full details. Team members replace the stored members team by team (team_users).
 */
@Injectable()
export class ReferenceSync {
  constructor(
    private readonly aircall: AircallClient,
    private readonly directory: DirectoryUpserter,
    private readonly accounts: AccountsService,
    private readonly db: Database,
  ) {}

  /** Syncs every list; `onRequest` is told of each request made (for the run's counters). */
  async run(accountId: string, credentials: AircallCredentials, onRequest: () => void): Promise<void> {
    const read = <T>(reader: PageReader<T>, write: (items: T[], at: Date) => Promise<void>) =>
      this.everyPage(reader, write, onRequest);
    await read(
      async (page) => {
        const { users, meta } = await this.aircall.listUsers(credentials, page);
        return { items: users, meta };
      },
      (users, at) =>
        this.write(
          accountId,
          users.map((user) => userRecord(user, false)),
          at,
        ),
    );
    await read(
      async (page) => {
        const { teams, meta } = await this.aircall.listTeams(credentials, page);
        return { items: teams, meta };
      },
      (teams, at) => this.writeTeams(accountId, teams, at),
    );
    await read(
      async (page) => {
        const { numbers, meta } = await this.aircall.listNumbers(credentials, page);
        return { items: numbers, meta };
      },
      (numbers, at) =>
        this.write(
          accountId,
          numbers.map((number) => numberRecord(number, false)),
          at,
        ),
    );
    await read(
      async (page) => {
        const { tags, meta } = await this.aircall.listTags(credentials, page);
        return { items: tags, meta };
      },
      (tags, at) =>
        this.write(
          accountId,
          tags.map((tag) => tagRecord(tag, false)),
          at,
        ),
    );
  }

  private async everyPage<T>(
    reader: PageReader<T>,
    write: (items: T[], at: Date) => Promise<void>,
    onRequest: () => void,
  ): Promise<void> {
    for (let page = 1; ; page += 1) {
      // The list endpoints' answers do not expose the response's Date through the client; the moment the
      // request was sent is a lower bound of when Aircall read the state, so a webhook event newer than
      // that read still wins the version guard.
      const at = new Date();
      onRequest();
      const { items, meta } = await reader(page);
      if (items.length > 0) await write(items, at);
      if (isLastPage(meta, items.length)) return;
    }
  }

  /**
   * One page of a list, in one transaction; users' and numbers' ids also identify the company when
   * it connects again (AccountIdentity), so they are kept up to date from every sync.
   */
  private async write(accountId: string, records: DirectoryRecord[], at: Date): Promise<void> {
    const identities: Identity[] = records
      .filter((record) => record.table === 'users' || record.table === 'numbers')
      .map((record) => ({ kind: record.table === 'users' ? 'user' : 'number', value: record.id }));
    await this.db.transaction(async (m) => {
      await this.directory.apply(
        m,
        records.map((record) => ({ accountId, record, at, source: API_SNAPSHOT_SOURCE })),
      );
      if (identities.length > 0) await this.accounts.recordIdentities(m, accountId, identities);
    });
  }

  /** Teams through the upserter, then each listed team's members replaced by the `users[]` Aircall returned. */
  private async writeTeams(accountId: string, teams: AircallTeam[], at: Date): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.directory.apply(
        m,
        teams.map((team) => ({
          accountId,
          record: teamRecord(team, false),
          at,
          source: API_SNAPSHOT_SOURCE,
        })),
      );
      const teamIds = teams.map((team) => String(team.id));
      await this.db.execute(
        `DELETE FROM team_users WHERE account_id = ? AND team_id IN (${teamIds.map(() => '?').join(', ')})`,
        [accountId, ...teamIds],
        m,
      );
      const members = new Map<string, unknown[]>();
      for (const team of teams)
        for (const user of team.users ?? [])
          members.set(
            `${team.id}:${user.id}`,
            TEAM_USERS.values(this.db, { accountId, teamId: String(team.id), userId: String(user.id) }),
          );
      await this.db.upsert(
        TEAM_USERS.name,
        TEAM_USERS.columns,
        [...members.values()],
        ['account_id', 'team_id', 'user_id'],
        [],
        m,
      );
    });
  }
}
