import { Injectable, Logger } from '@nestjs/common';
import { AircallClient } from '../aircall/aircall-client';
import { AircallCredentials } from '../aircall/aircall-credentials';
import { AircallIntegration } from '../aircall/aircall-types';
import { Database } from '../database/database';
import { AccountsRepository, Identity, StoredAccount } from './accounts.repository';

/** What a connection says about the company behind its credentials. */
export interface CompanyEvidence {
  /** Aircall's company id: only OAuth installs learn it (`/v1/integrations/me`). */
  companyId: string | null;
  /** Ids that are global at Aircall and belong to this company: its api_id, users, numbers. */
  identities: Identity[];
}

/**
 * Decides which account a connection belongs to. Aircall's `GET /v1/company` names no company id
 * (recorded body 13, docs/aircall-behaviour.md §8), so an API key cannot say which company it is; but
 * user and number ids are global at Aircall, so two connections that see one of the same users or
 * numbers are the same company. In order:
 * 1. the company id an OAuth install gave, when an account already has it;
 * 2. the api_id of an API key already connected (the same key, a rotated token);
 * 3. the account holding the most of the users and numbers the credentials see now.
 * Nothing matches: a new account. Ids never move from one account to another.
 */
@Injectable()
export class AccountIdentity {
  private readonly logger = new Logger(AccountIdentity.name);

  constructor(
    private readonly aircall: AircallClient,
    private readonly repository: AccountsRepository,
    private readonly db: Database,
  ) {}

  /**
   * The evidence the credentials give: the first page of users and of numbers (two requests; a
   * company always has a user), plus what an OAuth integration names.
   */
  async gather(
    credentials: AircallCredentials,
    integration: AircallIntegration | null = null,
  ): Promise<CompanyEvidence> {
    const [{ users }, { numbers }] = await Promise.all([
      this.aircall.listUsers(credentials, 1),
      this.aircall.listNumbers(credentials, 1),
    ]);
    const identities = new Map<string, Identity>();
    const add = (identity: Identity) => identities.set(`${identity.kind}:${identity.value}`, identity);
    if (credentials.kind === 'basic') add({ kind: 'api_id', value: credentials.apiId });
    for (const user of users) add({ kind: 'user', value: String(user.id) });
    for (const number of numbers) add({ kind: 'number', value: String(number.id) });
    if (integration?.user?.id !== undefined) add({ kind: 'user', value: String(integration.user.id) });
    for (const id of numberIds(integration)) add({ kind: 'number', value: id });
    const companyId =
      integration?.company_id === undefined || integration.company_id === null
        ? null
        : String(integration.company_id);
    return { companyId, identities: [...identities.values()] };
  }

  /** The existing account of this company, or null for a new one (see the class comment). */
  async match(evidence: CompanyEvidence): Promise<StoredAccount | null> {
    if (evidence.companyId !== null) {
      const named = await this.repository.findByCompanyId(this.db.autocommit, evidence.companyId);
      if (named) return named;
    }
    const key = evidence.identities.filter((identity) => identity.kind === 'api_id');
    const [sameKey] = (await this.repository.matchIdentities(this.db.autocommit, key)).keys();
    if (sameKey !== undefined) {
      const account = await this.repository.findById(this.db.autocommit, sameKey);
      if (account) return account;
    }
    const counts = await this.repository.matchIdentities(this.db.autocommit, evidence.identities);
    const candidates: Array<{ account: StoredAccount; count: number }> = [];
    for (const [accountId, count] of counts) {
      const account = await this.repository.findById(this.db.autocommit, accountId);
      // An account Aircall named as another company is another company, whatever else it shares.
      if (!account || (evidence.companyId !== null && account.aircallCompanyId !== null)) continue;
      candidates.push({ account, count });
    }
    candidates.sort(
      (a, b) => b.count - a.count || a.account.createdAt.getTime() - b.account.createdAt.getTime(),
    );
    if (candidates.length > 1) {
      this.logger.warn({
        msg: 'several accounts share ids of one Aircall company; connecting the one holding the most',
        accounts: candidates.map((c) => c.account.id),
      });
    }
    return candidates[0]?.account ?? null;
  }

  /** Remembers the evidence for the account, so a later connection is recognised. */
  async remember(accountId: string, evidence: CompanyEvidence): Promise<void> {
    await this.repository.saveIdentities(this.db.autocommit, accountId, evidence.identities);
  }
}

function numberIds(integration: AircallIntegration | null): string[] {
  const ids = integration?.number_ids;
  return Array.isArray(ids) ? ids.filter((id) => typeof id === 'number').map(String) : [];
}
