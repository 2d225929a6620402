import { sha256Hex } from '../../src/crypto/hashing';
import { Database } from '../../src/database/database';
import { SimulatedCompany } from '../simulator/simulated-company';

/**
 * The id of the account a simulated company was connected as. Accounts have ids of the service's own
 * (Aircall names no company to an API key): found here by the company's api_id, or by its Aircall
 * company id once an OAuth install named it.
 */
export async function accountIdOf(db: Database, company: SimulatedCompany): Promise<string> {
  const rows = await db.query<{ id: unknown }>(
    `SELECT account_id AS id FROM account_identities WHERE kind = 'api_id' AND aircall_id = ?
     UNION SELECT id FROM accounts WHERE aircall_company_id = ?`,
    [company.apiId, company.id],
  );
  if (rows.length !== 1) throw new Error(`company ${company.id} is connected as ${rows.length} accounts`);
  return String(rows[0].id);
}

export interface SeededAccount {
  id: string;
  name?: string;
  authType?: 'basic' | 'oauth';
  status?: 'active' | 'needs_reauth' | 'uninstalled' | 'disconnected';
  /** The webhook token deliveries will carry (only its SHA-256 is stored). */
  webhookToken?: string | null;
  webhookId?: string | null;
  webhookActive?: boolean | null;
  aircallCompanyId?: string | null;
}

/** An account row as connecting one would leave it, for suites that do not go through Aircall. */
export async function seedAccount(db: Database, account: SeededAccount): Promise<void> {
  const now = db.date(new Date());
  await db.execute(
    `INSERT INTO accounts (id, aircall_company_id, name, auth_type, status, webhook_id, webhook_token_hash, webhook_active, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      account.id,
      account.aircallCompanyId ?? null,
      account.name ?? `Company ${account.id}`,
      account.authType ?? 'basic',
      account.status ?? 'active',
      account.webhookId ?? null,
      account.webhookToken ? sha256Hex(account.webhookToken) : null,
      db.bool(account.webhookActive ?? null),
      now,
      now,
    ],
  );
}
