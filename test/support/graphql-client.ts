import request from 'supertest';

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> | undefined;
  headers: Record<string, string>;
}

/** POSTs a GraphQL operation to a running test app, with `key` as the Bearer API key when given. */
export async function graphql<T = Record<string, unknown>>(
  baseUrl: string,
  key: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlResponse<T>> {
  let req = request(baseUrl).post('/graphql').set('content-type', 'application/json');
  if (key !== null) req = req.set('authorization', `Bearer ${key}`);
  const res = await req.send({ query, variables });
  const body = (res.body ?? {}) as { data?: T | null; errors?: GraphqlResponse['errors'] };
  return {
    status: res.status,
    data: body.data,
    errors: body.errors,
    headers: res.headers as Record<string, string>,
  };
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export async function graphqlData<T = Record<string, unknown>>(
  baseUrl: string,
  key: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const res = await graphql<T>(baseUrl, key, query, variables);
  if (res.status !== 200 || res.errors || !res.data) {
    throw new Error(`GraphQL request failed (${res.status}): ${JSON.stringify(res.errors ?? res.data)}`);
  }
  return res.data;
}
