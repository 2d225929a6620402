import { Database } from '../../src/database/database';
import { SimulatedCompany } from '../simulator/simulated-company';
import { graphqlData } from './graphql-client';
import { TEST_ADMIN_KEY } from './test-app';

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

const CONNECT = 'mutation ($a: String!, $t: String!) { connectAccount(apiId: $a, apiToken: $t) { id } }';

/** Connects a simulated company with its API key through `baseUrl`'s GraphQL, as an admin would; its account id. */
export async function connectCompany(baseUrl: string, company: SimulatedCompany): Promise<string> {
  const { connectAccount } = await graphqlData<{ connectAccount: { id: string } }>(
    baseUrl,
    TEST_ADMIN_KEY,
    CONNECT,
    {
      a: company.apiId,
      t: company.apiToken,
    },
  );
  return connectAccount.id;
}
