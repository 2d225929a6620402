import { AircallCall } from '../../src/aircall/aircall-types';
import type { AircallSimulator } from './aircall-simulator';
import { summaryOfUser } from './directory-generator';
import { FaultScope, FaultSpec } from './fault-injector';
import { MEDIA_KINDS, MediaKind } from './media-links';
import { SimulatedCompany } from './simulated-company';
import { badRequest, notFound, SimulatorHttpError } from './simulator-http-error';
import { DeliveryResult } from './webhook-sender';

/** The control surface's paths all start here; Aircall's API paths (/v1, /v2, /oauth) never do. */
export const CONTROL_PREFIX = '/_control';

export interface ControlAnswer {
  status: number;
  body: unknown;
}

/** One event sent while driving a call, with what each registered webhook answered. */
export interface SentEvent {
  event: string;
  timestamp: number;
  deliveries: DeliveryResult[];
}

/** The endpoints, as `GET /_control` lists them (and `--help` prints them). */
export const CONTROL_ENDPOINTS: ReadonlyArray<readonly [string, string]> = [
  ['GET /_control', 'companies (id, apiId, apiToken), pending faults, these endpoints'],
  ['GET /_control/webhooks[?company=ID]', 'the webhooks registered through the API, with their tokens'],
  [
    'POST /_control/calls',
    '{company?, direction?: inbound|outbound, answered?: true, ended?: true, ringSeconds?: 5, talkSeconds?: 60, missedCallReason?}: a new call, its events sent in order (created, ringing_on_agent for inbound, answered, hungup, ended); ended: false leaves it live',
  ],
  [
    'GET /_control/calls/:id',
    'the call as the simulator holds it (media as unsigned keys: reads and events sign them)',
  ],
  ['POST /_control/calls/:id/answer', 'a live call is answered: call.answered'],
  ['POST /_control/calls/:id/end', '{missedCallReason?}: call.hungup then call.ended'],
  ['POST /_control/calls/:id/tag', '{tagId?}: call.tagged (default: a tag the call does not have)'],
  ['POST /_control/calls/:id/untag', '{tagId}: call.untagged'],
  ['POST /_control/calls/:id/comment', '{content}: call.commented'],
  ['POST /_control/calls/:id/archive', 'call.archived'],
  ['POST /_control/calls/:id/events', '{event}: sends any call.* event with the call as it is'],
  [
    'POST /_control/calls/:id/assets',
    "{kinds?: [recording|voicemail], bytes?}: the call's files now exist: call.comm_assets_generated with fresh links (default: the recording if answered, else the voicemail if inbound)",
  ],
  [
    'DELETE /_control/calls/:id/recording|voicemail',
    'an admin deletes the file in the dashboard: the call shows null, its links answer 404',
  ],
  ['GET /_control/media', 'the media link lifetime, the default file size, and every download counted'],
  ['PUT /_control/media', '{linkTtlSeconds}: the lifetime of the direct links minted from now on'],
  ['DELETE /_control/media/stats', 'zeroes the download counters'],
  ['GET /_control/faults', 'how many armed faults wait'],
  [
    'POST /_control/faults',
    '{kind: status|refuse|hang|garbage|wrong-shape|reset|delay, status?, ms?, count?: 1, pathPrefix?, method?, companyId?, scope?: api|media}: the next matching API requests get it (scope media: the next downloads that would be served); media also knows {kind: truncate|stall, afterBytes}, {kind: throttle, bytesPerSecond}, {kind: redirect, location}',
  ],
  ['POST /_control/faults/release', 'downloads held by a stall fault go on'],
  ['DELETE /_control/faults', 'disarms every fault'],
  [
    'POST /_control/rate-limit/exhaust',
    "{company?}: spends the company's rate budget: API requests get 429 until the window resets",
  ],
];

const CALL_ACTIONS = new Set(['answer', 'end', 'tag', 'untag', 'comment', 'archive', 'events', 'assets']);

/**
 * A person's (or a test's) hand on the simulator: drive calls through Aircall's webhook sequence,
 * arm faults, read the webhooks registered. Served by the simulator under CONTROL_PREFIX only; it is
 * a test-side tool, not part of the Aircall API the service talks to.
 */
export class SimulatorControl {
  constructor(
    private readonly simulator: AircallSimulator,
    private readonly now: () => number,
  ) {}

  async handle(method: string, url: URL, body: Record<string, unknown> = {}): Promise<ControlAnswer> {
    const segments = url.pathname
      .slice(CONTROL_PREFIX.length)
      .split('/')
      .filter((segment) => segment !== '');
    const route = `${method} ${segments[0] ?? ''}`;
    if (route === 'GET ' && segments.length === 0) return ok(this.overview());
    if (route === 'GET webhooks' && segments.length === 1) return ok(this.webhooks(url));
    if (segments[0] === 'calls') {
      if (method === 'POST' && segments.length === 1) return ok(await this.createCall(body));
      const [company, call] = this.findCall(segments[1], body, url);
      if (method === 'GET' && segments.length === 2) return ok({ companyId: company.id, call });
      if (method === 'POST' && segments.length === 3 && CALL_ACTIONS.has(segments[2]))
        return ok(await this.act(company, call, segments[2], body));
      const kind = MEDIA_KINDS.find((candidate) => candidate === segments[2]);
      if (method === 'DELETE' && segments.length === 3 && kind)
        return ok({ companyId: company.id, call: this.simulator.deleteMedia(company.id, call.id, kind) });
    }
    if (segments[0] === 'media') return ok(this.media(method, segments, body));
    if (route === 'POST faults' && segments[1] === 'release' && segments.length === 2)
      return ok({ released: this.simulator.faults.releaseStalls() });
    if (segments[0] === 'faults' && segments.length === 1) {
      if (method === 'GET') return ok({ pending: this.simulator.faults.pending });
      if (method === 'POST') {
        this.simulator.faults.add(faultSpec(body));
        return ok({ pending: this.simulator.faults.pending });
      }
      if (method === 'DELETE') {
        this.simulator.faults.clear();
        return ok({ pending: 0 });
      }
    }
    if (route === 'POST rate-limit' && segments[1] === 'exhaust' && segments.length === 2) {
      const company = this.companyOf(body, url);
      const resetAt = this.simulator.exhaustRateLimit(company.id);
      return ok({ companyId: company.id, resetAt: new Date(resetAt).toISOString() });
    }
    throw notFound(`Control route ${method} ${url.pathname}`);
  }

  private overview(): Record<string, unknown> {
    return {
      baseUrl: this.simulator.baseUrl,
      companies: this.simulator.companies.map((company) => ({
        id: company.id,
        name: company.name,
        apiId: company.apiId,
        apiToken: company.apiToken,
        calls: company.calls.total,
        webhooks: company.webhooks.all().length,
        tags: company.directory.tags.map((tag) => ({ id: tag.id, name: tag.name })),
      })),
      pendingFaults: this.simulator.faults.pending,
      endpoints: CONTROL_ENDPOINTS.map(([route, what]) => ({ route, what })),
    };
  }

  private media(method: string, segments: string[], body: Record<string, unknown>): Record<string, unknown> {
    const route = `${method} ${segments.slice(1).join('/')}`;
    if (route === 'PUT ') {
      const ttl = body.linkTtlSeconds;
      if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl <= 0)
        throw badRequest('linkTtlSeconds must be a positive integer');
      this.simulator.setMediaLinkTtl(ttl);
    } else if (route === 'DELETE stats') this.simulator.resetMediaStats();
    else if (route !== 'GET ')
      throw notFound(`Control route ${method} ${CONTROL_PREFIX}/${segments.join('/')}`);
    return {
      linkTtlSeconds: this.simulator.mediaLinkTtlSeconds,
      mediaBytes: this.simulator.defaultMediaBytes,
      stats: this.simulator.mediaStats(),
    };
  }

  private webhooks(url: URL): Record<string, unknown> {
    const wanted = url.searchParams.get('company');
    const companies =
      wanted === null ? this.simulator.companies : [this.simulator.company(integer(wanted, 'company'))];
    return {
      webhooks: companies.flatMap((company) =>
        company.webhooks.all().map((webhook) => ({
          companyId: company.id,
          webhookId: webhook.webhook_id,
          url: webhook.url,
          active: webhook.active,
          events: webhook.events,
          token: webhook.token,
          consecutiveFailures: webhook.consecutiveFailures,
          createdAt: webhook.created_at,
        })),
      ),
    };
  }

  /** A new call: started now (or backdated so that answering and ending it happen by now), its events sent in Aircall's order. */
  private async createCall(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const company = this.companyOf(body);
    const direction = body.direction ?? 'inbound';
    if (direction !== 'inbound' && direction !== 'outbound')
      throw badRequest('direction must be inbound or outbound');
    const answered = flag(body.answered, 'answered', true);
    const ended = flag(body.ended, 'ended', true);
    const ring = seconds(body.ringSeconds, 'ringSeconds', 5);
    const talk = seconds(body.talkSeconds, 'talkSeconds', 60);
    const nowSeconds = Math.floor(this.now() / 1000);
    const startedAt = ended ? nowSeconds - ring - (answered ? talk : 0) : nowSeconds;
    const agent = company.directory.users[0];
    const call = company.addCall({
      direction,
      started_at: startedAt,
      status: 'initial',
      answered_at: null,
      ended_at: null,
      duration: 0,
      missed_call_reason: null,
      user: agent ? summaryOfUser(agent) : null,
      assigned_to: null,
      transferred_by: null,
      transferred_to: null,
      recording: null,
      recording_short_url: null,
      voicemail: null,
      voicemail_short_url: null,
      asset: null,
      archived: false,
      tags: [],
      comments: [],
      ...(direction === 'outbound' ? { teams: [] } : {}),
    });
    const events: SentEvent[] = [];
    events.push(await this.send(company, 'call.created', call, startedAt));
    if (direction === 'inbound')
      events.push(await this.send(company, 'call.ringing_on_agent', call, startedAt));
    let current = call;
    if (answered && ended) {
      current = this.answer(company, current.id, startedAt + ring);
      events.push(await this.send(company, 'call.answered', current, startedAt + ring));
    } else if (answered) {
      current = this.answer(company, current.id, nowSeconds);
      events.push(await this.send(company, 'call.answered', current, nowSeconds));
    }
    if (ended) events.push(...(await this.end(company, current, nowSeconds, body.missedCallReason)));
    return { companyId: company.id, call: company.calls.get(call.id), events };
  }

  private async act(
    company: SimulatedCompany,
    call: AircallCall,
    action: string,
    body: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const at = Math.floor(this.now() / 1000);
    let events: SentEvent[];
    switch (action) {
      case 'answer': {
        if (call.status !== 'initial') throw badRequest(`call ${call.id} is ${call.status}, not ringing`);
        events = [await this.send(company, 'call.answered', this.answer(company, call.id, at), at)];
        break;
      }
      case 'end':
        if (call.status === 'done') throw badRequest(`call ${call.id} has ended already`);
        events = await this.end(company, call, at, body.missedCallReason);
        break;
      case 'tag': {
        const tagId =
          body.tagId === undefined
            ? company.directory.tags.find((tag) => !(call.tags ?? []).some((t) => t.id === tag.id))?.id
            : integer(body.tagId, 'tagId');
        if (tagId === undefined) throw badRequest(`call ${call.id} has every tag already`);
        events = [
          await this.send(
            company,
            'call.tagged',
            this.changed(() => company.tag(call.id, tagId)),
            at,
          ),
        ];
        break;
      }
      case 'untag': {
        const tagId = integer(body.tagId, 'tagId');
        events = [await this.send(company, 'call.untagged', company.untag(call.id, tagId), at)];
        break;
      }
      case 'comment': {
        if (typeof body.content !== 'string' || body.content === '') throw badRequest('content is required');
        events = [await this.send(company, 'call.commented', company.comment(call.id, body.content, at), at)];
        break;
      }
      case 'archive':
        events = [await this.send(company, 'call.archived', company.archive(call.id, true), at)];
        break;
      case 'assets': {
        const options = {
          kinds: mediaKinds(body.kinds),
          bytes: body.bytes === undefined ? undefined : integer(body.bytes, 'bytes'),
        };
        const withMedia = this.changed(() => this.simulator.addMedia(company.id, call.id, options));
        events = [await this.send(company, 'call.comm_assets_generated', withMedia, at)];
        break;
      }
      default: {
        const event = body.event;
        if (typeof event !== 'string' || !/^call\.[a-z_]+$/.test(event))
          throw badRequest('event must be a call.* event name, e.g. call.hold');
        events = [await this.send(company, event, call, at)];
      }
    }
    return { companyId: company.id, call: company.calls.get(call.id), events };
  }

  private answer(company: SimulatedCompany, callId: number, at: number): AircallCall {
    return company.calls.update(callId, (call) => {
      call.status = 'answered';
      call.answered_at = at;
    });
  }

  /** Hung up now (call.hungup), then call.ended with the final state (Aircall sends it about 30 s later). */
  private async end(
    company: SimulatedCompany,
    call: AircallCall,
    at: number,
    missedCallReason: unknown,
  ): Promise<SentEvent[]> {
    const missed = call.answered_at === null || call.answered_at === undefined;
    if (missedCallReason !== undefined && typeof missedCallReason !== 'string')
      throw badRequest('missedCallReason must be a string');
    const ended = company.calls.update(call.id, (changed) => {
      changed.ended_at = at;
      changed.duration = at - (changed.started_at ?? at);
      if (missed && changed.direction === 'inbound') {
        changed.missed_call_reason = missedCallReason ?? 'agents_did_not_answer';
        changed.user = null;
      }
    });
    const hungup = await this.send(company, 'call.hungup', ended, at);
    const done = company.calls.update(call.id, (changed) => {
      changed.status = 'done';
    });
    return [hungup, await this.send(company, 'call.ended', done, at)];
  }

  private async send(
    company: SimulatedCompany,
    event: string,
    call: AircallCall,
    timestamp: number,
  ): Promise<SentEvent> {
    const deliveries = await this.simulator.emitCallEvent(company.id, event, call, timestamp);
    return { event, timestamp, deliveries };
  }

  /** A change of the simulated company that throws a plain Error for a bad id: answered 400. */
  private changed(change: () => AircallCall): AircallCall {
    try {
      return change();
    } catch (error) {
      throw badRequest(error instanceof Error ? error.message : String(error));
    }
  }

  private companyOf(body: Record<string, unknown>, url?: URL): SimulatedCompany {
    const raw = body.company ?? url?.searchParams.get('company') ?? undefined;
    try {
      return this.simulator.company(raw === undefined || raw === null ? 0 : integer(raw, 'company'));
    } catch (error) {
      if (error instanceof SimulatorHttpError) throw error;
      throw notFound('Company');
    }
  }

  private findCall(
    raw: string | undefined,
    body: Record<string, unknown>,
    url: URL,
  ): [SimulatedCompany, AircallCall] {
    const id = integer(raw, 'call id');
    const named = body.company ?? url.searchParams.get('company');
    const companies =
      named === undefined || named === null ? this.simulator.companies : [this.companyOf(body, url)];
    for (const company of companies) {
      const call = company.calls.get(id);
      if (call) return [company, call];
    }
    throw notFound('Call');
  }
}

function ok(body: unknown): ControlAnswer {
  return { status: 200, body };
}

function integer(value: unknown, name: string): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text))
    throw badRequest(`${name} must be a non-negative integer`);
  return Number(text);
}

function seconds(value: unknown, name: string, fallback: number): number {
  return value === undefined ? fallback : integer(value, name);
}

function flag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw badRequest(`${name} must be true or false`);
  return value;
}

const STATUS_FAULTS = [500, 502, 503, 504] as const;
const REFUSALS = [400, 404, 422] as const;

const MEDIA_ONLY = new Set(['truncate', 'stall', 'throttle', 'redirect']);
const API_ONLY = new Set(['refuse', 'garbage', 'wrong-shape']);

/** A fault armed over HTTP, checked field by field (the injector trusts its callers). */
function faultSpec(body: Record<string, unknown>): FaultSpec {
  const scope = optionalString(body.scope, 'scope');
  if (scope !== undefined && scope !== 'api' && scope !== 'media')
    throw badRequest('scope must be api or media');
  const kind = String(body.kind);
  if (scope === 'api' && MEDIA_ONLY.has(kind))
    throw badRequest(`a ${kind} fault is for media downloads only`);
  if (scope === 'media' && API_ONLY.has(kind)) throw badRequest(`a ${kind} fault is for API requests only`);
  const common = {
    count: body.count === undefined ? 1 : integer(body.count, 'count'),
    pathPrefix: optionalString(body.pathPrefix, 'pathPrefix'),
    method: optionalString(body.method, 'method'),
    companyId: body.companyId === undefined ? undefined : integer(body.companyId, 'companyId'),
    scope: scope as FaultScope | undefined,
  };
  switch (body.kind) {
    case 'status': {
      const status = body.status === undefined ? 503 : integer(body.status, 'status');
      const known = STATUS_FAULTS.find((candidate) => candidate === status);
      if (known === undefined) throw badRequest(`status must be one of ${STATUS_FAULTS.join(', ')}`);
      return { ...common, kind: 'status', status: known };
    }
    case 'refuse': {
      const status = body.status === undefined ? 400 : integer(body.status, 'status');
      const known = REFUSALS.find((candidate) => candidate === status);
      if (known === undefined) throw badRequest(`status must be one of ${REFUSALS.join(', ')}`);
      return {
        ...common,
        kind: 'refuse',
        status: known,
        error: optionalString(body.error, 'error') ?? 'Bad Request',
        troubleshoot: optionalString(body.troubleshoot, 'troubleshoot') ?? 'Refused by a simulated fault',
      };
    }
    case 'delay':
      return { ...common, kind: 'delay', ms: integer(body.ms ?? 2000, 'ms') };
    case 'hang':
    case 'garbage':
    case 'wrong-shape':
    case 'reset':
      return { ...common, kind: body.kind };
    case 'truncate':
    case 'stall':
      return { ...common, kind: body.kind, afterBytes: integer(body.afterBytes ?? 0, 'afterBytes') };
    case 'throttle': {
      const bytesPerSecond = integer(body.bytesPerSecond, 'bytesPerSecond');
      if (bytesPerSecond === 0) throw badRequest('bytesPerSecond must be positive');
      return { ...common, kind: 'throttle', bytesPerSecond };
    }
    case 'redirect': {
      const location = optionalString(body.location, 'location');
      if (location === undefined || !URL.canParse(location)) throw badRequest('location must be a URL');
      return { ...common, kind: 'redirect', location };
    }
    default:
      throw badRequest(
        'kind must be status, refuse, hang, garbage, wrong-shape, reset, delay, truncate, stall, throttle or redirect',
      );
  }
}

function mediaKinds(value: unknown): MediaKind[] | undefined {
  if (value === undefined) return undefined;
  const kinds = Array.isArray(value) ? value : [];
  const known = kinds.map((kind) => MEDIA_KINDS.find((candidate) => candidate === kind));
  if (kinds.length === 0 || known.some((kind) => kind === undefined))
    throw badRequest('kinds must be a non-empty list of recording and voicemail');
  return known as MediaKind[];
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  return value;
}
