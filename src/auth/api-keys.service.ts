import { Injectable } from '@nestjs/common';
import { sha256Hex } from '../crypto/hashing';
import { Database, Queryable } from '../database/database';
import { invalidInput } from '../errors/domain-errors';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyRepository, StoredApiKey } from './api-key.repository';
import { displayPrefix, generateApiKeySecret } from './api-key-secret';
import { Role } from './role';

export interface CreatedApiKey {
  apiKey: StoredApiKey;
  /** The plaintext key: returned once, never stored. */
  key: string;
}

/** Creating, listing and revoking the API keys of the GraphQL API. */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly authenticator: ApiKeyAuthenticator,
    private readonly db: Database,
  ) {}

  create(name: string, role: Role, accountIds: readonly string[] | null | undefined): Promise<CreatedApiKey> {
    return this.createWith(this.db.autocommit, name, role, accountIds);
  }

  /**
   * An ADMIN key, only when no unrevoked ADMIN key exists yet (checked and created in one
   * transaction); null when one exists.
   */
  createFirstAdmin(name: string): Promise<CreatedApiKey | null> {
    return this.db.transaction(async (runner) =>
      (await this.keys.hasActiveAdmin(runner)) ? null : this.createWith(runner, name, Role.ADMIN, null),
    );
  }

  /** True when an unrevoked ADMIN key is stored. */
  hasActiveAdmin(): Promise<boolean> {
    return this.keys.hasActiveAdmin(this.db.autocommit);
  }

  private async createWith(
    runner: Queryable,
    name: string,
    role: Role,
    accountIds: readonly string[] | null | undefined,
  ): Promise<CreatedApiKey> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 128)
      throw invalidInput('name', 'must be 1 to 128 characters');
    if (role === Role.ADMIN && accountIds && accountIds.length > 0) {
      throw invalidInput('accountIds', 'an ADMIN key sees every account; limit READER keys instead');
    }
    if (accountIds) {
      const bad = accountIds.find((id) => !/^\d{1,19}$/.test(id));
      if (bad !== undefined) throw invalidInput('accountIds', `"${bad}" is not an account id`);
      if (accountIds.length === 0)
        throw invalidInput('accountIds', 'must list at least one account (omit it for every account)');
    }
    const secret = generateApiKeySecret();
    const apiKey = await this.keys.insert(runner, {
      name: trimmed,
      role,
      accountIds: accountIds ? [...new Set(accountIds)] : null,
      keyHash: sha256Hex(secret),
      keyPrefix: displayPrefix(secret),
    });
    return { apiKey, key: secret };
  }

  list(): Promise<StoredApiKey[]> {
    return this.keys.list();
  }

  async revoke(id: string): Promise<boolean> {
    if (!/^\d{1,19}$/.test(id)) throw invalidInput('id', 'is not an API key id');
    const revoked = await this.keys.revoke(id);
    this.authenticator.forget(id);
    return revoked;
  }
}
