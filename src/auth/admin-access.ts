import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { dialectOf } from '../database/database-options';
import { ConflictError } from '../errors/domain-errors';
import { ApiKeysService, CreatedApiKey } from './api-keys.service';

/** How the GraphQL API can be entered when the service starts. */
export type AdminAccessState =
  | { kind: 'configured' }
  | { kind: 'stored' }
  | { kind: 'generated'; created: CreatedApiKey }
  | { kind: 'none' };

/** Production without ADMIN_API_KEY and without a stored admin key: nobody could ever use the API. */
export class NoAdminAccessError extends ConflictError {
  override readonly code = 'NO_ADMIN_ACCESS';

  constructor() {
    super(
      'no way in: set ADMIN_API_KEY (24+ characters, e.g. `openssl rand -hex 24`) or create an admin key first with `npm run admin -- create-key --role admin`',
    );
    this.name = 'NoAdminAccessError';
  }
}

export const FIRST_ADMIN_KEY_NAME = 'first start';

/**
 * Makes sure someone can use the API once the service listens. ADMIN_API_KEY or a stored, unrevoked
 * admin key is enough. Otherwise an embedded SQLite start creates an admin key (stored as its hash;
 * the caller shows it once), production refuses to start, and a MySQL start outside production says
 * how to get in.
 */
@Injectable()
export class AdminAccess {
  private readonly logger = new Logger(AdminAccess.name);

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeysService,
  ) {}

  async ensure(): Promise<AdminAccessState> {
    if (this.config.ADMIN_API_KEY) return { kind: 'configured' };
    if (await this.keys.hasActiveAdmin()) return { kind: 'stored' };
    if (this.config.NODE_ENV === 'production') throw new NoAdminAccessError();
    if (dialectOf(this.config.DATABASE_URL) !== 'sqlite') {
      this.logger.warn({
        msg: 'no admin API key: every GraphQL request is refused until ADMIN_API_KEY is set or `npm run admin -- create-key --role admin` creates one',
      });
      return { kind: 'none' };
    }
    const created = await this.keys.createFirstAdmin(FIRST_ADMIN_KEY_NAME);
    // Another process on the same file created one between the check and the transaction.
    if (!created) return { kind: 'stored' };
    this.logger.warn({
      msg: 'created the first admin API key; it was printed once on stderr and only its hash is stored',
      keyId: created.apiKey.id,
      prefix: created.apiKey.keyPrefix,
    });
    return { kind: 'generated', created };
  }
}

/** The lines that show a generated admin key, once, with how to use it and make more. */
export function firstAdminKeyBanner(key: string): string {
  const rule = '='.repeat(78);
  return [
    rule,
    'aircall-sync: no admin API key existed, so this one was created. It is shown only now',
    '(only its hash is stored); keep it:',
    '',
    `    ${key}`,
    '',
    'Sign in with it at /admin (the console), or send it as `Authorization: Bearer <key>` on',
    'POST /graphql. More keys, or revoking this one:',
    '    npm run admin -- create-key --role admin|reader --name NAME    (npm run admin -- --help)',
    rule,
    '',
  ].join('\n');
}
