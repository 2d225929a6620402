/**
 * What went wrong, in the service's own terms. Services and repositories throw these (or their
 * subclasses, e.g. AccountNotFoundError); each transport maps them in one place: GraphQL in
 * graphql/to-graphql-error.ts (applied to every resolver by server/domain-error.filter.ts), the OAuth
 * install flow in oauth-install.service.ts (it answers pages), the webhook route in
 * webhook-receiver.ts. No layer below the transports throws a transport's error.
 */
export type DomainErrorKind =
  'invalid_input' | 'not_found' | 'not_allowed' | 'not_authenticated' | 'conflict' | 'upstream';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** A code more precise than the kind's, for clients to branch on (e.g. ACCOUNT_DISCONNECTED). */
  readonly code?: string;
}

/** An argument the caller got wrong; `field` is its path, e.g. `filter.phone` or `first`. */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid_input' as const;

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** `field: detail`, the message every invalid argument gets. */
export function invalidInput(field: string, detail: string): InvalidInputError {
  return new InvalidInputError(field, `${field}: ${detail}`);
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
}

/** The caller is known but may not do this (role, account scope). */
export class NotAllowedError extends DomainError {
  readonly kind = 'not_allowed' as const;
}

/** The caller is not known (no key, or a key that is not ours). */
export class NotAuthenticatedError extends DomainError {
  readonly kind = 'not_authenticated' as const;
}

/** The request is valid but the state it acts on does not allow it (e.g. a disconnected account). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}
