/** One simulated Aircall company. */
export interface SimulatedCompanySpec {
  /** Aircall's company id; defaults to a deterministic one. */
  id?: number;
  name?: string;
  /** How many calls the company has (generated on the fly, not stored). Default 500. */
  callCount?: number;
  /** Seed of everything generated for this company; defaults to the company's ordinal. */
  seed?: number;
  /** Basic-auth API key; defaults derived from the id. */
  apiId?: string;
  apiToken?: string;
  /** Calls' `started_at` is spread evenly over [callsFrom, callsTo] (unix seconds). Default: the 30 days before start. */
  callsFrom?: number;
  callsTo?: number;
  users?: number;
  teams?: number;
  numbers?: number;
  tags?: number;
}

export interface OAuthClientSpec {
  clientId: string;
  clientSecret: string;
}

export interface AircallSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** A number of default companies, or their specs. Default 1. */
  companies?: number | SimulatedCompanySpec[];
  /** Calls per default company when `companies` is a number. Default 500. */
  callsPerCompany?: number;
  /** Requests per window per company. Default 60 (docs/aircall-behaviour.md §6). */
  rateLimit?: number;
  rateWindowMs?: number;
  /**
   * Unit of `X-AircallApi-Reset`. Aircall documents seconds; scaled-down test windows need ms
   * precision (the client treats values above 1e12 as ms). Default: ms when the window is under 10 s.
   */
  resetHeaderUnit?: 'seconds' | 'milliseconds';
  /** How far back `GET /v1/calls` serves history, in days (about 6 months at Aircall). Default 183; null = unlimited. */
  historyDays?: number | null;
  /** Registered OAuth apps. Default one: `sim-client-id` / `sim-client-secret`. */
  oauthClients?: OAuthClientSpec[];
  /** Aircall requires https webhook URLs; tests serve plain http on loopback, so this is off by default. */
  requireHttpsWebhooks?: boolean;
  /** Consecutive failed deliveries after which a webhook is deactivated (the strictest documented number). Default 10. */
  webhookFailureThreshold?: number;
  /** Timeout of one webhook delivery, in ms (Aircall: 5 s). */
  deliveryTimeoutMs?: number;
  /** Added to every API answer, in ms, to imitate a network round trip. Default 0. */
  latencyMs?: number;
  /**
   * Lifetime of the direct `recording`/`voicemail` links each read mints, in seconds. Default 3600
   * (Aircall's "valid 1 hour"); changeable at runtime (`setMediaLinkTtl`).
   */
  mediaLinkTtlSeconds?: number;
  /** Size of each recording or voicemail file, in bytes (per call: `setMediaBytes`). Default 256 KiB. */
  mediaBytes?: number;
  /** The simulator's clock (epoch ms). Default Date.now. */
  now?: () => number;
}

export const DEFAULT_OAUTH_CLIENT: OAuthClientSpec = {
  clientId: 'sim-client-id',
  clientSecret: 'sim-client-secret',
};
