/**
 * The service's GraphQL API as an admin (`Authorization: Bearer <ADMIN_API_KEY>`), for the bench
 * sections that drive a service they started: the answer's `data`, or an error naming what GraphQL said.
 */
export async function adminGraphql<T>(
  baseUrl: string,
  adminKey: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (!body.data || (body.errors?.length ?? 0) > 0)
    throw new Error(`GraphQL answered ${res.status}: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/**
 * Switches one account's archiving on or off through `setRecordingArchiving`, which the archiver
 * heeds at once (its cached list of archiving accounts is dropped, and switched on it looks for work).
 */
export async function setRecordingArchiving(
  baseUrl: string,
  adminKey: string,
  accountId: string,
  enabled: boolean,
): Promise<void> {
  await adminGraphql(
    baseUrl,
    adminKey,
    'mutation ($id: ID!, $enabled: Boolean!) { setRecordingArchiving(accountId: $id, enabled: $enabled) { id } }',
    { id: accountId, enabled },
  );
}
