import { Injectable, Logger } from '@nestjs/common';
import { AircallClient } from '../aircall/aircall-client';
import { AircallAuthError, AircallError, AircallRequestError } from '../aircall/aircall-errors';
import { AccountConnector } from '../accounts/account-connector';
import { InvalidAircallCredentialsError, UnidentifiedCompanyError } from '../accounts/account-errors';
import { AppConfig } from '../config/app-config';
import { OAuthPage } from './oauth-pages';
import { OAuthStateError, OAuthStateStore } from './oauth-state';

const NOT_CONFIGURED: OAuthPage = {
  status: 503,
  title: 'Aircall install is not configured',
  lines: [
    'This aircall-sync instance has no Aircall OAuth app: set AIRCALL_CLIENT_ID and AIRCALL_CLIENT_SECRET (from Aircall) and restart it.',
    'Customers can still connect their own account with an API key through the connectAccount GraphQL mutation.',
  ],
};

export type InstallStart = { redirectTo: string } | { page: OAuthPage };

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
}

/**
 * The Technology Partner install (https://developer.aircall.io/tutorials/how-aircall-oauth-flow-works,
 * docs/aircall-behaviour.md §8): send the admin to Aircall's consent page with a signed single-use state,
 * then on the way back verify the state, trade the code for a permanent access token, and connect the
 * company it belongs to. Every failure ends on a page saying what went wrong, with nothing stored.
 */
@Injectable()
export class OAuthInstallService {
  private readonly logger = new Logger(OAuthInstallService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly states: OAuthStateStore,
    private readonly aircall: AircallClient,
    private readonly connector: AccountConnector,
  ) {}

  /** Must match, byte for byte, the redirect_uri registered with Aircall and sent again in the token exchange. */
  get redirectUri(): string {
    return `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/oauth/callback`;
  }

  private get isConfigured(): boolean {
    return Boolean(this.config.AIRCALL_CLIENT_ID && this.config.AIRCALL_CLIENT_SECRET);
  }

  start(): InstallStart {
    const clientId = this.config.AIRCALL_CLIENT_ID;
    if (!clientId || !this.isConfigured) return { page: NOT_CONFIGURED };
    const authorize = new URL(`${this.config.AIRCALL_DASHBOARD_URL.replace(/\/+$/, '')}/oauth/authorize`);
    authorize.searchParams.set('client_id', clientId);
    authorize.searchParams.set('redirect_uri', this.redirectUri);
    // Aircall: response_type "must be code", scope "must be public_api".
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('scope', 'public_api');
    authorize.searchParams.set('state', this.states.issue());
    return { redirectTo: authorize.toString() };
  }

  async complete(query: CallbackQuery): Promise<OAuthPage> {
    if (!this.isConfigured) return NOT_CONFIGURED;
    if (!query.state)
      return failure(
        400,
        'Installation link is incomplete',
        'The request from Aircall carries no state parameter. Start the installation again from Aircall.',
      );
    try {
      await this.states.consume(query.state);
    } catch (error) {
      if (!(error instanceof OAuthStateError)) throw error;
      this.logger.warn({ msg: 'oauth callback refused', reason: error.reason });
      return failure(
        400,
        'Installation link rejected',
        `Nothing was installed: ${error.message}. Start the installation again from Aircall.`,
      );
    }
    if (query.error) {
      const denied = query.error === 'access_denied';
      return failure(
        denied ? 403 : 400,
        denied ? 'Installation cancelled' : 'Aircall did not authorize the installation',
        denied
          ? 'Access was not granted in Aircall, so nothing was installed.'
          : `Aircall answered "${query.error.slice(0, 100)}", so nothing was installed.`,
      );
    }
    if (!query.code)
      return failure(
        400,
        'Installation link is incomplete',
        'Aircall sent no authorization code. Start the installation again from Aircall.',
      );

    let accessToken: string;
    try {
      accessToken = (await this.aircall.exchangeOAuthCode(query.code, this.redirectUri)).accessToken;
    } catch (error) {
      if (!(error instanceof AircallError)) throw error;
      this.logger.warn({ msg: 'oauth code exchange failed', error: error.message, status: error.status });
      if (error instanceof AircallRequestError || error instanceof AircallAuthError) {
        return failure(
          400,
          'Authorization code rejected',
          'Aircall refused the authorization code (it may have expired or been used already). Nothing was installed; start the installation again.',
        );
      }
      return failure(
        502,
        'Aircall could not be reached',
        'The authorization could not be completed because Aircall did not answer properly. Nothing was installed; try again in a moment.',
      );
    }

    try {
      const { account, webhookError } = await this.connector.connectOAuth(accessToken);
      const companyId = account.aircallCompanyId ?? account.id;
      const company = account.name ? `${account.name} (company ${companyId})` : `company ${companyId}`;
      const lines = [`The Aircall account ${company} is connected to aircall-sync.`];
      lines.push(
        webhookError
          ? `Its webhook could not be registered (${webhookError}); live updates will start once an admin runs registerWebhook.`
          : 'Its webhook is registered: calls will now arrive as they happen.',
      );
      lines.push(`The last ${this.config.BACKFILL_DAYS} days of call history are being imported.`);
      return { status: 200, title: 'Aircall account connected', lines };
    } catch (error) {
      const known =
        error instanceof AircallError ||
        error instanceof InvalidAircallCredentialsError ||
        error instanceof UnidentifiedCompanyError;
      if (!known) throw error;
      this.logger.warn({ msg: 'oauth account identification failed', error: error.message });
      return failure(
        502,
        'Aircall account could not be identified',
        'Aircall issued an access token but did not tell which company it belongs to. Nothing was installed; try again in a moment.',
      );
    }
  }
}

function failure(status: number, title: string, line: string): OAuthPage {
  return { status, title, lines: [line] };
}
