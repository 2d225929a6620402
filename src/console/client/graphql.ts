/** The console's one way to the service: POST /graphql with the signed-in key, like any client. */

export interface GraphqlErrorBody {
  message: string;
  extensions?: { code?: string; field?: string };
}

/** A request that did not give data: why, in words an admin can act on. */
export class ConsoleError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly serverMessage: string = message,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

/** Leads by error code (src/graphql/graphql-errors.ts); the server's own message follows when it adds something. */
function wordsFor(code: string, serverMessage: string): string {
  switch (code) {
    case 'UNAUTHENTICATED':
      return 'The service no longer accepts this API key (revoked, or mistyped). Sign in again.';
    case 'FORBIDDEN':
      return 'This API key may not do that: the console needs an ADMIN key.';
    case 'BAD_USER_INPUT':
      return `Check the form: ${serverMessage}`;
    case 'NOT_FOUND':
      return `Not found: ${serverMessage} (it may have just been removed; the page refreshes).`;
    case 'CONFLICT':
      return `Not possible right now: ${serverMessage}`;
    case 'AIRCALL_UNAUTHORIZED':
      return `Aircall refused the credentials: check the API ID and token, or reconnect the account. (${serverMessage})`;
    case 'AIRCALL_ERROR':
      return `Aircall answered with an error: ${serverMessage}. Try again in a minute.`;
    case 'ACCOUNT_DISCONNECTED':
      return 'This account holds no credentials any more: connect it again first.';
    case 'DATABASE_UNAVAILABLE':
      return 'The database is unavailable right now; try again in a moment.';
    case 'QUERY_TIMEOUT':
      return 'The database took too long to answer; try again in a moment.';
    case 'NETWORK':
      return 'Cannot reach the service: check the connection; the page retries by itself.';
    default:
      return `The service could not do it: ${serverMessage}`;
  }
}

function failure(code: string, serverMessage: string): ConsoleError {
  return new ConsoleError(wordsFor(code, serverMessage), code, serverMessage);
}

interface GraphqlAnswer<T> {
  data?: T | null;
  errors?: GraphqlErrorBody[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Runs one operation; throws a ConsoleError with readable words for every way it can fail. */
export async function graphql<T>(
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      // application/json (not a "simple" request) is what satisfies Apollo's CSRF prevention.
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw failure('NETWORK', 'no answer');
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw failure('HTTP', `HTTP ${response.status} ${response.statusText || ''}`.trim());
  }
  const answer: GraphqlAnswer<T> = isObject(body) ? (body as GraphqlAnswer<T>) : {};
  const first = answer.errors?.[0];
  if (first)
    throw failure(
      first.extensions?.code ?? (response.status === 401 ? 'UNAUTHENTICATED' : 'UNKNOWN'),
      first.message,
    );
  if (!response.ok || answer.data === null || answer.data === undefined)
    throw failure('HTTP', `HTTP ${response.status}`);
  return answer.data;
}

/** Readable words for anything caught. */
export function messageOf(error: unknown): string {
  if (error instanceof ConsoleError) return error.message;
  return `Something went wrong in the page: ${error instanceof Error ? error.message : String(error)}`;
}
