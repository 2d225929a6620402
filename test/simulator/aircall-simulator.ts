import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { AircallCall, AircallWebhookEnvelope } from '../../src/aircall/aircall-types';
import { webhookCallView } from './call-generator';
import { FaultInjector } from './fault-injector';
import { DEFAULT_MEDIA_LINK_TTL_SECONDS, MediaKind, MediaLinkSigner } from './media-links';
import { DEFAULT_MEDIA_BYTES, MediaFileStats, MediaServer, MediaStats } from './media-server';
import { OAuthAuthority } from './oauth-authority';
import { SimulatedCompany } from './simulated-company';
import { CONTROL_PREFIX, SimulatorControl } from './simulator-control';
import { SimulatorHttpError } from './simulator-http-error';
import { AircallSimulatorOptions, DEFAULT_OAUTH_CLIENT, SimulatedCompanySpec } from './simulator-options';
import { routeApi } from './simulator-routes';
import { DeliveryResult, isDelivered, postWebhook } from './webhook-sender';

export interface SimulatorStats {
  /** API requests received (authenticated or not, OAuth endpoints included). */
  requests: number;
  /** 429 answers sent. */
  rateLimited: number;
  /** 401 answers sent. */
  unauthorized: number;
  /** Most API requests in flight at once, across companies. */
  maxConcurrent: number;
}

export interface LoggedRequest {
  at: number;
  method: string;
  path: string;
  companyId?: number;
  status: number | 'hang' | 'reset';
}

const MAX_LOGGED_REQUESTS = 20_000;
const DAY = 86_400;

/**
 * A stand-in for Aircall's Public API, dashboard OAuth page and webhook sender, on a real HTTP port,
 * enforcing what Aircall enforces (auth, paging rules and the 10,000 cap, per-company rate limit,
 * history limit) and failing on demand. Calls are generated from each company's seed, so a company
 * can hold 100,000+ calls at no memory cost. See docs/aircall-behaviour.md for every rule's source.
 */
export class AircallSimulator {
  readonly companies: SimulatedCompany[] = [];
  readonly faults = new FaultInjector();
  readonly oauth: OAuthAuthority;
  readonly stats: SimulatorStats = { requests: 0, rateLimited: 0, unauthorized: 0, maxConcurrent: 0 };
  readonly requestLog: LoggedRequest[] = [];
  /** The hand of a person or a test on the simulator (served under CONTROL_PREFIX, see simulator-control.ts). */
  readonly control: SimulatorControl;
  private readonly byApiId = new Map<string, SimulatedCompany>();
  private readonly now: () => number;
  private readonly links: MediaLinkSigner;
  private readonly media: MediaServer;
  private inFlight = 0;
  private baseUrlValue = '';

  private constructor(
    private readonly options: AircallSimulatorOptions,
    private readonly server: Server,
  ) {
    this.now = options.now ?? Date.now;
    this.oauth = new OAuthAuthority(options.oauthClients ?? [DEFAULT_OAUTH_CLIENT]);
    this.control = new SimulatorControl(this, this.now);
    this.links = new MediaLinkSigner(
      () => this.baseUrlValue,
      this.now,
      validTtl(options.mediaLinkTtlSeconds ?? DEFAULT_MEDIA_LINK_TTL_SECONDS),
    );
    this.media = new MediaServer({
      signer: this.links,
      faults: this.faults,
      company: (id) => this.companies.find((company) => company.id === id),
      bytes: options.mediaBytes ?? DEFAULT_MEDIA_BYTES,
      now: this.now,
    });
  }

  static async start(options: AircallSimulatorOptions = {}): Promise<AircallSimulator> {
    const server = createServer();
    const simulator = new AircallSimulator(options, server);
    server.on('request', (request, response) => void simulator.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    simulator.baseUrlValue = `http://${options.host ?? '127.0.0.1'}:${port}`;
    const specs =
      typeof options.companies === 'object'
        ? options.companies
        : Array.from({ length: options.companies ?? 1 }, () => ({}));
    for (const spec of specs) simulator.addCompany(spec);
    simulator.oauth.installingCompanyId = simulator.companies[0]?.id;
    return simulator;
  }

  /** API base URL (also the dashboard's, for `/oauth/authorize`). */
  get baseUrl(): string {
    return this.baseUrlValue;
  }

  get dashboardUrl(): string {
    return this.baseUrlValue;
  }

  async close(): Promise<void> {
    this.faults.releaseStalls();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Hanging requests (the `hang` fault) and idle keep-alive sockets would hold close() forever.
      this.server.closeAllConnections();
    });
  }

  addCompany(spec: SimulatedCompanySpec = {}): SimulatedCompany {
    const ordinal = this.companies.length + 1;
    const id = spec.id ?? 4_100_000 + ordinal;
    const nowSeconds = Math.floor(this.now() / 1000);
    const rateWindowMs = this.options.rateWindowMs ?? 60_000;
    const company = new SimulatedCompany({
      ordinal,
      id,
      name: spec.name ?? `Simulated Company ${ordinal}`,
      seed: spec.seed ?? ordinal,
      apiId: spec.apiId ?? `sim-api-id-${id}`,
      apiToken: spec.apiToken ?? `sim-api-token-${id}-${(spec.seed ?? ordinal).toString(36)}`,
      callCount: spec.callCount ?? this.options.callsPerCompany ?? 500,
      callsFrom: spec.callsFrom ?? nowSeconds - 30 * DAY,
      callsTo: spec.callsTo ?? nowSeconds,
      sizes: {
        users: spec.users ?? 12,
        teams: spec.teams ?? 3,
        numbers: spec.numbers ?? 4,
        tags: spec.tags ?? 6,
      },
      baseUrl: this.baseUrlValue,
      rateLimit: this.options.rateLimit ?? 60,
      rateWindowMs,
      requireHttpsWebhooks: this.options.requireHttpsWebhooks ?? false,
      // Directory and contact dates derive from the call range, so the same spec yields the same data.
      createdAt: spec.callsTo ?? nowSeconds,
    });
    if (this.companies.some((existing) => existing.id === id))
      throw new Error(`simulator: company ${id} exists already`);
    this.companies.push(company);
    this.byApiId.set(company.apiId, company);
    return company;
  }

  /** A company by id, or by position (0-based) when `idOrIndex` is small. Default: the first. */
  company(idOrIndex = 0): SimulatedCompany {
    const company =
      this.companies.find((candidate) => candidate.id === idOrIndex) ?? this.companies[idOrIndex];
    if (!company) throw new Error(`simulator: no company ${idOrIndex}`);
    return company;
  }

  /** An OAuth access token for the company, as if its admin had installed the app. */
  issueOAuthToken(
    companyId: number,
    clientId = (this.options.oauthClients ?? [DEFAULT_OAUTH_CLIENT])[0].clientId,
  ): string {
    return this.oauth.issue(this.company(companyId).id, clientId, this.now());
  }

  /**
   * A new API key of the company, as an admin creates one to rotate keys; the old ones keep working
   * until revoked (`company.otherKeys`, `apiKeyActive`).
   */
  addApiKey(companyId: number): { kind: 'basic'; apiId: string; apiToken: string } {
    const company = this.company(companyId);
    const ordinal = company.otherKeys.size + 2;
    const apiId = `sim-api-id-${company.id}-k${ordinal}`;
    const apiToken = `sim-api-token-${company.id}-k${ordinal}-${Date.now().toString(36)}`;
    company.otherKeys.set(apiId, { apiToken, active: true });
    this.byApiId.set(apiId, company);
    return { kind: 'basic', apiId, apiToken };
  }

  /** Revokes the company's API key and every OAuth token (an uninstall / key deletion). */
  revokeCredentials(companyId: number): void {
    const company = this.company(companyId);
    company.apiKeyActive = false;
    this.oauth.revokeCompany(company.id);
  }

  /**
   * An admin uninstalls the OAuth app (docs/aircall-behaviour.md §2): Aircall sends
   * `integration.deleted` (recorded body 05) to the app's webhooks, then revokes its tokens and
   * removes those webhooks.
   */
  async uninstallApp(companyId: number): Promise<DeliveryResult[]> {
    const company = this.company(companyId);
    const appWebhooks = company.webhooks.all().filter((webhook) => webhook.ownerToken !== null);
    const results = await Promise.all(
      appWebhooks
        .filter((webhook) => webhook.active && webhook.events.includes('integration.deleted'))
        .map(async (webhook) => ({
          webhookId: webhook.webhook_id,
          url: webhook.url,
          status: await postWebhook(webhook.url, {
            resource: 'integration',
            event: 'integration.deleted',
            timestamp: Math.floor(this.now() / 1000),
            token: webhook.token,
            data: { integration_id: 42, company_id: company.id },
          }),
        })),
    );
    this.oauth.revokeCompany(company.id);
    for (const webhook of appWebhooks) company.webhooks.delete(webhook.webhook_id, null);
    return results;
  }

  /** Uses up the rest of the company's current window, as another integration would. Returns the reset (epoch ms). */
  exhaustRateLimit(companyId: number): number {
    return this.company(companyId).rate.exhaust(this.now());
  }

  /** Aircall deactivates a webhook after repeated failed deliveries. */
  deactivateWebhook(companyId: number, webhookId: string): void {
    this.company(companyId).webhooks.find(webhookId, null).active = false;
  }

  /**
   * Sends `envelope` to every active webhook of the company subscribed to its event, each with its
   * own token, and returns what each answered. Consecutive failures deactivate a webhook.
   */
  async deliver(
    companyId: number,
    envelope: Omit<AircallWebhookEnvelope, 'token' | 'timestamp'> & { timestamp?: number },
  ): Promise<DeliveryResult[]> {
    const company = this.company(companyId);
    const targets = company.webhooks
      .all()
      .filter((webhook) => webhook.active && webhook.events.includes(envelope.event));
    const threshold = this.options.webhookFailureThreshold ?? 10;
    return Promise.all(
      targets.map(async (webhook) => {
        const status = await postWebhook(
          webhook.url,
          {
            resource: envelope.resource,
            event: envelope.event,
            timestamp: envelope.timestamp ?? Math.floor(this.now() / 1000),
            token: webhook.token,
            data: envelope.data,
          },
          { timeoutMs: this.options.deliveryTimeoutMs },
        );
        webhook.consecutiveFailures = isDelivered(status) ? 0 : webhook.consecutiveFailures + 1;
        if (webhook.consecutiveFailures >= threshold) webhook.active = false;
        return { webhookId: webhook.webhook_id, url: webhook.url, status };
      }),
    );
  }

  /**
   * Delivers a call event with the call's current state as `data`, shaped as webhooks carry it
   * (webhookCallView; `emptyAbsent` sends `{}` for an absent user, contact or number, as the
   * reference's sample does).
   */
  emitCallEvent(
    companyId: number,
    event: string,
    call: AircallCall,
    timestamp?: number,
    options: { emptyAbsent?: boolean } = {},
  ): Promise<DeliveryResult[]> {
    return this.deliver(companyId, {
      resource: 'call',
      event,
      // Each delivery signs its links anew, as Aircall's do (docs/aircall-behaviour.md §1).
      data: webhookCallView(this.links.mint(this.company(companyId).id, call, false), options),
      timestamp,
    });
  }

  /** Size of a recording or voicemail file without its own (`mediaBytes`). */
  get defaultMediaBytes(): number {
    return this.media.defaultBytes;
  }

  /** Lifetime of the direct media links minted from now on (links already shown keep theirs). */
  get mediaLinkTtlSeconds(): number {
    return this.links.ttlSeconds;
  }

  setMediaLinkTtl(seconds: number): void {
    this.links.ttlSeconds = validTtl(seconds);
  }

  /**
   * A direct link to the call's file signed now, as a read would show it; minted whether or not the
   * file exists, so a test can also ask for a file that is not there.
   */
  mediaLink(companyId: number, callId: number, kind: MediaKind = 'recording'): string {
    return this.links.direct({ companyId: this.company(companyId).id, callId, kind });
  }

  /** Size of the call's recording and voicemail, in place of `mediaBytes` (at least 417: one frame). */
  setMediaBytes(companyId: number, callId: number, bytes: number): void {
    this.media.setCallBytes(this.company(companyId).id, callId, bytes);
  }

  /**
   * The call's files now exist: by default its recording when it was answered, else its voicemail
   * when inbound. Returns the call as stored.
   */
  addMedia(companyId: number, callId: number, options: CommAssetsOptions = {}): AircallCall {
    const company = this.company(companyId);
    const call = company.calls.get(callId);
    if (!call) throw new Error(`simulator: no call ${callId} in company ${company.id}`);
    const kinds =
      options.kinds ?? (call.answered_at ? ['recording'] : call.direction === 'inbound' ? ['voicemail'] : []);
    if (kinds.length === 0)
      throw new Error(`simulator: call ${callId} has no recording or voicemail to make`);
    if (options.bytes !== undefined) this.setMediaBytes(company.id, callId, options.bytes);
    for (const kind of kinds) company.addMedia(callId, kind);
    return company.calls.get(callId)!;
  }

  /** Aircall has made the call's files (addMedia): `call.comm_assets_generated` with fresh links. */
  generateCommAssets(
    companyId: number,
    callId: number,
    options: CommAssetsOptions = {},
  ): Promise<DeliveryResult[]> {
    const call = this.addMedia(companyId, callId, options);
    return this.emitCallEvent(companyId, 'call.comm_assets_generated', call);
  }

  /** An admin deletes the file in the Aircall dashboard: the call shows null, its links answer 404. */
  deleteMedia(companyId: number, callId: number, kind: MediaKind = 'recording'): AircallCall {
    return this.company(companyId).removeMedia(callId, kind);
  }

  /** Every media request so far, and each file's downloads (started, completed, bytes sent). */
  mediaStats(): MediaStats {
    return this.media.stats();
  }

  /** One file's downloads (zeros when it was never asked for). */
  mediaFileStats(companyId: number, callId: number, kind: MediaKind = 'recording'): MediaFileStats {
    return this.media.fileStats({ companyId: this.company(companyId).id, callId, kind });
  }

  resetMediaStats(): void {
    this.media.resetStats();
  }

  /** Zeroes the API statistics, the request log and the media counters. */
  resetStats(): void {
    Object.assign(this.stats, { requests: 0, rateLimited: 0, unauthorized: 0, maxConcurrent: 0 });
    for (const company of this.companies)
      Object.assign(company, { requests: 0, rateLimited: 0, maxConcurrent: 0 });
    this.requestLog.length = 0;
    this.media.resetStats();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`))
      return this.handleControl(request, response);
    // Media is S3's and the short links another host's: no API key, no rate limit, counted apart.
    if (path.startsWith('/media/') || path.startsWith('/short/'))
      return this.media.handle(request, response, new URL(request.url ?? '/', this.baseUrlValue));
    this.stats.requests += 1;
    this.inFlight += 1;
    this.stats.maxConcurrent = Math.max(this.stats.maxConcurrent, this.inFlight);
    let company: SimulatedCompany | undefined;
    const url = new URL(request.url ?? '/', this.baseUrlValue);
    const method = request.method ?? 'GET';
    const log = (status: LoggedRequest['status']) => {
      if (this.requestLog.length >= MAX_LOGGED_REQUESTS) this.requestLog.shift();
      this.requestLog.push({ at: this.now(), method, path: url.pathname, companyId: company?.id, status });
    };
    try {
      const body = method === 'POST' || method === 'PUT' ? await readJson(request) : undefined;
      if (method === 'GET' && url.pathname === '/oauth/authorize') {
        const location = this.oauth.authorize({
          clientId: url.searchParams.get('client_id'),
          redirectUri: url.searchParams.get('redirect_uri'),
          responseType: url.searchParams.get('response_type'),
          scope: url.searchParams.get('scope'),
          state: url.searchParams.get('state'),
        });
        response.writeHead(302, { location }).end();
        log(302);
        return;
      }
      if (method === 'POST' && url.pathname === '/v1/oauth/token') {
        this.send(response, 200, this.oauth.exchange(body ?? {}, this.now()));
        log(200);
        return;
      }
      const caller = this.authenticate(request);
      company = caller.company;
      company.requests += 1;
      company.inFlight += 1;
      company.maxConcurrent = Math.max(company.maxConcurrent, company.inFlight);
      try {
        const status = await this.serveApi(
          request,
          response,
          url,
          method,
          body,
          caller.company,
          caller.oauthToken,
        );
        log(status);
      } finally {
        company.inFlight -= 1;
      }
    } catch (error) {
      const known =
        error instanceof SimulatorHttpError
          ? error
          : new SimulatorHttpError(500, 'Internal Server Error', 'The simulator failed');
      if (known.status === 401) this.stats.unauthorized += 1;
      if (!response.headersSent) this.send(response, known.status, known.body);
      log(known.status);
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Control requests are not Aircall's: they count in no stats, no rate budget and no request log. */
  private async handleControl(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const method = request.method ?? 'GET';
      const body = method === 'POST' || method === 'PUT' ? await readJson(request) : undefined;
      const answer = await this.control.handle(method, new URL(request.url ?? '/', this.baseUrlValue), body);
      this.send(response, answer.status, answer.body);
    } catch (error) {
      const known =
        error instanceof SimulatorHttpError
          ? error
          : new SimulatorHttpError(
              500,
              'Internal Server Error',
              error instanceof Error ? error.message : String(error),
            );
      if (!response.headersSent) this.send(response, known.status, known.body);
    }
  }

  private async serveApi(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    method: string,
    body: Record<string, unknown> | undefined,
    company: SimulatedCompany,
    oauthToken: string | null,
  ): Promise<LoggedRequest['status']> {
    const now = this.now();
    const decision = company.rate.take(now);
    const seconds =
      (this.options.resetHeaderUnit ??
        ((this.options.rateWindowMs ?? 60_000) < 10_000 ? 'milliseconds' : 'seconds')) === 'seconds';
    response.setHeader('X-AircallApi-Limit', String(decision.limit));
    response.setHeader('X-AircallApi-Remaining', String(decision.remaining));
    response.setHeader(
      'X-AircallApi-Reset',
      String(seconds ? Math.ceil(decision.resetAt / 1000) : decision.resetAt),
    );
    if (!decision.allowed) {
      this.stats.rateLimited += 1;
      company.rateLimited += 1;
      throw new SimulatorHttpError(
        429,
        'Too Many Requests',
        'Rate limit reached: retry after X-AircallApi-Reset',
      );
    }
    const fault = this.faults.take(method, url.pathname, company.id);
    if (fault?.kind === 'hang') return 'hang';
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return 'reset';
    }
    if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.kind === 'refuse') {
      this.send(response, fault.status, { error: fault.error, troubleshoot: fault.troubleshoot });
      return fault.status;
    }
    if (fault?.kind === 'status') {
      this.send(response, fault.status, { error: 'Service Unavailable', troubleshoot: 'Simulated outage' });
      return fault.status;
    }
    if (fault?.kind === 'garbage') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end('<html>502 Bad Gateway</html>{"calls": [');
      return 200;
    }
    if (fault?.kind === 'wrong-shape') {
      this.send(response, 200, { data: [{ unexpected: true }], paging: null });
      return 200;
    }
    const answer = routeApi({
      method,
      url,
      segments: url.pathname.split('/').filter((segment) => segment !== ''),
      body,
      company,
      oauthToken,
      baseUrl: this.baseUrlValue,
      now,
      historyStart:
        this.options.historyDays === null
          ? undefined
          : Math.floor(now / 1000) - (this.options.historyDays ?? 183) * DAY,
      media: this.links,
    });
    this.send(response, answer.status, answer.body);
    return answer.status;
  }

  /** Basic `api_id:api_token` or a Bearer OAuth token; anything else is a 401 with Aircall's error shape. */
  private authenticate(request: IncomingMessage): { company: SimulatedCompany; oauthToken: string | null } {
    const header = request.headers.authorization ?? '';
    const unauthorized = new SimulatorHttpError(
      401,
      'Unauthorized',
      'Check your API ID and API token, or your OAuth access token',
    );
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      const company = separator > 0 ? this.byApiId.get(decoded.slice(0, separator)) : undefined;
      if (!company || !company.accepts(decoded.slice(0, separator), decoded.slice(separator + 1)))
        throw unauthorized;
      return { company, oauthToken: null };
    }
    if (header.startsWith('Bearer ')) {
      const token = header.slice(7).trim();
      const info = this.oauth.tokenInfo(token);
      const company = info ? this.companies.find((candidate) => candidate.id === info.companyId) : undefined;
      if (!company) throw unauthorized;
      return { company, oauthToken: token };
    }
    throw unauthorized;
  }

  private send(response: ServerResponse, status: number, body: unknown): void {
    if (body === undefined) {
      response.writeHead(status).end();
      return;
    }
    const text = JSON.stringify(body);
    response
      .writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      })
      .end(text);
  }
}

export interface CommAssetsOptions {
  /** Which files; default the recording of an answered call, else the voicemail of an inbound one. */
  kinds?: MediaKind[];
  /** Their size, in place of the `mediaBytes` option. */
  bytes?: number;
}

function validTtl(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds <= 0)
    throw new Error(`simulator: a media link lifetime is a positive number of seconds (got ${seconds})`);
  return seconds;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024)
      throw new SimulatorHttpError(413, 'Payload Too Large', 'The body is larger than 1 MiB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new SimulatorHttpError(400, 'Bad Request', 'The body must be a JSON object');
  }
}
