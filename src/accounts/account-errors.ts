import { ConflictError, DomainError, InvalidInputError, NotFoundError } from '../errors/domain-errors';

/** No account with this id (Aircall company id). */
export class AccountNotFoundError extends NotFoundError {
  constructor(readonly accountId: string) {
    super(`account ${accountId} not found`);
    this.name = 'AccountNotFoundError';
  }
}

/** The account exists but holds no credentials (disconnected, or its app uninstalled): reconnect it first. */
export class AccountNotConnectedError extends ConflictError {
  override readonly code = 'ACCOUNT_DISCONNECTED';

  constructor(
    readonly accountId: string,
    status: string = 'disconnected',
  ) {
    super(
      status === 'uninstalled'
        ? `account ${accountId}'s Aircall app was uninstalled; install it again first`
        : `account ${accountId} is disconnected; connect it again first`,
    );
    this.name = 'AccountNotConnectedError';
  }
}

/** Aircall refused the credentials offered to connect an account; nothing was stored. */
export class InvalidAircallCredentialsError extends InvalidInputError {
  constructor(message = 'Aircall rejected these credentials (check the API ID and API token)') {
    super('apiToken', message);
    this.name = 'InvalidAircallCredentialsError';
  }
}

/** Aircall accepted the credentials but did not say which company they belong to; nothing was stored. */
export class UnidentifiedCompanyError extends DomainError {
  readonly kind = 'upstream' as const;

  constructor(endpoint: string) {
    super(`Aircall's ${endpoint} answer carries no company id; cannot tell which account this is`);
    this.name = 'UnidentifiedCompanyError';
  }
}
