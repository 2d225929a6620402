import { randomBytes } from 'node:crypto';
import { OAuthClientSpec } from './simulator-options';
import { SimulatorHttpError } from './simulator-http-error';

interface IssuedCode {
  companyId: number;
  clientId: string;
  redirectUri: string;
  used: boolean;
}

export interface IssuedToken {
  companyId: number;
  clientId: string;
  createdAt: number;
  revoked: boolean;
}

export interface AuthorizeRequest {
  clientId: string | null;
  redirectUri: string | null;
  responseType: string | null;
  scope: string | null;
  state: string | null;
}

/**
 * Aircall's OAuth side for Technology Partners: the dashboard's consent redirect, single-use codes
 * bound to their redirect_uri, and permanent access tokens (no expiry, no refresh token).
 * https://developer.aircall.io/tutorials/how-aircall-oauth-flow-works (docs/aircall-behaviour.md §8)
 */
export class OAuthAuthority {
  private readonly clients = new Map<string, string>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  /** The company whose admin consents on the dashboard. */
  installingCompanyId: number | undefined;
  /** When true the admin refuses: the redirect carries `error=access_denied`. */
  denyConsent = false;

  constructor(clients: OAuthClientSpec[]) {
    for (const client of clients) this.clients.set(client.clientId, client.clientSecret);
  }

  /** The dashboard's answer to `/oauth/authorize`: where the admin's browser goes next. */
  authorize(request: AuthorizeRequest): string {
    if (!request.clientId || !this.clients.has(request.clientId))
      throw new SimulatorHttpError(400, 'invalid_client', 'Unknown client_id');
    if (request.responseType !== 'code')
      throw new SimulatorHttpError(400, 'unsupported_response_type', 'response_type must be code');
    if (request.scope !== 'public_api')
      throw new SimulatorHttpError(400, 'invalid_scope', 'scope must be public_api');
    if (!request.redirectUri)
      throw new SimulatorHttpError(400, 'invalid_request', 'redirect_uri is required');
    let target: URL;
    try {
      target = new URL(request.redirectUri);
    } catch {
      throw new SimulatorHttpError(400, 'invalid_redirect_uri', 'redirect_uri must be an absolute URL');
    }
    if (this.denyConsent || this.installingCompanyId === undefined) {
      target.searchParams.set('error', 'access_denied');
    } else {
      const code = randomBytes(16).toString('hex');
      this.codes.set(code, {
        companyId: this.installingCompanyId,
        clientId: request.clientId,
        redirectUri: request.redirectUri,
        used: false,
      });
      target.searchParams.set('code', code);
    }
    if (request.state !== null) target.searchParams.set('state', request.state);
    return target.toString();
  }

  /** `POST /v1/oauth/token` with grant_type=authorization_code. */
  exchange(
    body: Record<string, unknown>,
    now: number,
  ): { access_token: string; token_type: 'Bearer'; scope: string; created_at: number } {
    const secret = typeof body.client_id === 'string' ? this.clients.get(body.client_id) : undefined;
    if (secret === undefined || body.client_secret !== secret) {
      throw new SimulatorHttpError(
        401,
        'invalid_client',
        'Client authentication failed: check client_id and client_secret',
      );
    }
    if (body.grant_type !== 'authorization_code')
      throw new SimulatorHttpError(400, 'unsupported_grant_type', 'grant_type must be authorization_code');
    const code = typeof body.code === 'string' ? this.codes.get(body.code) : undefined;
    if (!code || code.used || code.clientId !== body.client_id) {
      throw new SimulatorHttpError(
        400,
        'invalid_grant',
        'The authorization code is invalid, expired or already used',
      );
    }
    if (code.redirectUri !== body.redirect_uri)
      throw new SimulatorHttpError(
        400,
        'invalid_grant',
        'redirect_uri does not match the authorization request',
      );
    code.used = true;
    const accessToken = this.issue(code.companyId, code.clientId, now);
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      scope: 'public_api',
      created_at: Math.floor(now / 1000),
    };
  }

  /** Issues a token directly (a test skipping the dashboard dance). */
  issue(companyId: number, clientId: string, now: number): string {
    const accessToken = randomBytes(24).toString('hex');
    this.tokens.set(accessToken, { companyId, clientId, createdAt: now, revoked: false });
    return accessToken;
  }

  tokenInfo(accessToken: string): IssuedToken | undefined {
    const token = this.tokens.get(accessToken);
    return token && !token.revoked ? token : undefined;
  }

  /** Uninstalling the app revokes its tokens. */
  revokeToken(accessToken: string): void {
    const token = this.tokens.get(accessToken);
    if (token) token.revoked = true;
  }

  revokeCompany(companyId: number): void {
    for (const token of this.tokens.values()) if (token.companyId === companyId) token.revoked = true;
  }
}
