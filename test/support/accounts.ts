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
