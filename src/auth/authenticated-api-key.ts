import { Role } from './role';

/** The API key a GraphQL request was authenticated with, as resolvers see it. */
export interface AuthenticatedApiKey {
  id: string;
  role: Role;
  /** The accounts this key may read; null means every account. */
  accountIds: string[] | null;
}

/** The key configured through ADMIN_API_KEY: never stored, recognised by its hash. */
export const BOOTSTRAP_ADMIN_KEY_ID = 'ADMIN_API_KEY';
