/** No account with this id (Aircall company id). */
export class AccountNotFoundError extends Error {
  constructor(readonly accountId: string) {
    super(`account ${accountId} not found`);
    this.name = 'AccountNotFoundError';
  }
}

/** The account exists but holds no credentials (disconnected, or its app uninstalled): reconnect it first. */
export class AccountNotConnectedError extends Error {
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
export class InvalidAircallCredentialsError extends Error {
  constructor(message = 'Aircall rejected these credentials (check the API ID and API token)') {
    super(message);
    this.name = 'InvalidAircallCredentialsError';
  }
}

/** Aircall accepted the credentials but did not say which company they belong to; nothing was stored. */
export class UnidentifiedCompanyError extends Error {
  constructor(endpoint: string) {
    super(`Aircall's ${endpoint} answer carries no company id; cannot tell which account this is`);
    this.name = 'UnidentifiedCompanyError';
  }
}
