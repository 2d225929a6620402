import { AircallCall, AircallComment, AircallTag, AircallUser } from '../../src/aircall/aircall-types';
import { AircallCredentials } from '../../src/aircall/aircall-credentials';
import { generateCall, mediaKeyOf } from './call-generator';
import { MediaKind } from './media-links';
import { hash32 } from './seeded-random';
import { CallStore } from './call-store';
import { generateDirectory, SimulatedDirectory } from './directory-generator';
import { RateWindow } from './rate-window';
import { WebhookRegistry } from './webhook-registry';

export interface CompanySetup {
  ordinal: number;
  id: number;
  name: string;
  seed: number;
  apiId: string;
  apiToken: string;
  callCount: number;
  callsFrom: number;
  callsTo: number;
  sizes: { users: number; teams: number; numbers: number; tags: number };
  baseUrl: string;
  rateLimit: number;
  rateWindowMs: number;
  requireHttpsWebhooks: boolean;
  createdAt: number;
}

/** One Aircall company: its API key, directory, calls, webhooks and rate budget. */
export class SimulatedCompany {
  readonly id: number;
  readonly name: string;
  readonly ordinal: number;
  readonly apiId: string;
  apiToken: string;
  /** False once the API key was revoked (requests with it get 401). */
  apiKeyActive = true;
  /** Further API keys an admin created (Company Settings → API Keys), by api_id. */
  readonly otherKeys = new Map<string, { apiToken: string; active: boolean }>();
  readonly directory: SimulatedDirectory;
  readonly calls: CallStore;
  readonly webhooks: WebhookRegistry;
  readonly rate: RateWindow;
  /** Requests this company made (served or refused with 429). */
  requests = 0;
  rateLimited = 0;
  inFlight = 0;
  maxConcurrent = 0;
  private added = 0;

  constructor(setup: CompanySetup) {
    this.id = setup.id;
    this.name = setup.name;
    this.ordinal = setup.ordinal;
    this.apiId = setup.apiId;
    this.apiToken = setup.apiToken;
    this.directory = generateDirectory(
      setup.baseUrl,
      setup.ordinal,
      setup.seed,
      setup.sizes,
      setup.createdAt,
    );
    this.calls = new CallStore({
      baseUrl: setup.baseUrl,
      companyId: setup.id,
      companyOrdinal: setup.ordinal,
      seed: setup.seed,
      count: setup.callCount,
      from: setup.callsFrom,
      to: setup.callsTo,
      // Aircall call ids are Int64 and already above 2^31: keep them there so nothing assumes INT.
      idBase: 2_200_000_000 + setup.ordinal * 100_000_000,
      directory: this.directory,
      createdAt: setup.createdAt,
    });
    this.webhooks = new WebhookRegistry(setup.requireHttpsWebhooks);
    this.rate = new RateWindow(setup.rateLimit, setup.rateWindowMs);
  }

  /** True when the pair is one of the company's active API keys. */
  accepts(apiId: string, apiToken: string): boolean {
    if (apiId === this.apiId) return this.apiKeyActive && apiToken === this.apiToken;
    const key = this.otherKeys.get(apiId);
    return key !== undefined && key.active && key.apiToken === apiToken;
  }

  /** Basic credentials for the client. */
  get credentials(): AircallCredentials {
    return { kind: 'basic', apiId: this.apiId, apiToken: this.apiToken };
  }

  tag(callId: number, tagId: number): AircallCall {
    const tag = this.directory.tags.find((candidate) => candidate.id === tagId);
    if (!tag) throw new Error(`simulator: company ${this.id} has no tag ${tagId}`);
    // As a call's tags are nested (docs/aircall-behaviour.md §2): `{}` when Aircall does not say who tagged.
    const summary: AircallTag = {
      id: tag.id,
      name: tag.name,
      tagged_by: {} as AircallUser,
      tagged_at: Math.floor(Date.now() / 1000),
    };
    return this.calls.update(callId, (call) => {
      call.tags = [...(call.tags ?? []).filter((existing) => existing.id !== tagId), summary];
    });
  }

  untag(callId: number, tagId: number): AircallCall {
    return this.calls.update(callId, (call) => {
      call.tags = (call.tags ?? []).filter((existing) => existing.id !== tagId);
    });
  }

  comment(callId: number, content: string, postedAt: number): AircallCall {
    return this.calls.update(callId, (call) => {
      const comment: AircallComment = {
        id: callId * 10 + (call.comments?.length ?? 0) + 2,
        content,
        posted_at: postedAt,
        posted_by: null,
      };
      call.comments = [...(call.comments ?? []), comment];
    });
  }

  archive(callId: number, archived = true): AircallCall {
    return this.calls.update(callId, (call) => {
      call.archived = archived;
    });
  }

  /**
   * Adds a new call, realistic like the generated ones, changed by `overrides` — e.g. a live call:
   * `addCall({ started_at: now, status: 'initial', answered_at: null, ended_at: null, duration: 0 })`.
   * Its id comes after every generated id.
   */
  addCall(overrides: Partial<AircallCall> = {}): AircallCall {
    const space = { ...this.calls.space, count: Math.max(1, this.calls.space.count) };
    const template = generateCall(space, hash32(space.seed, 0xadd, this.added++) % space.count);
    const startedAt = overrides.started_at ?? Math.floor(Date.now() / 1000);
    const shift = (at: number | null | undefined) =>
      typeof at === 'number' ? at - (template.started_at ?? 0) + startedAt : at;
    return this.calls.add((id) => ({
      ...template,
      direct_link: template.direct_link?.replace(/\/\d+$/, `/${id}`),
      recording: template.recording ? mediaKeyOf(this.calls.space, id, 'recording') : null,
      voicemail: template.voicemail ? mediaKeyOf(this.calls.space, id, 'voicemail') : null,
      started_at: startedAt,
      answered_at: shift(template.answered_at),
      ended_at: shift(template.ended_at),
      comments: (template.comments ?? []).map((comment) => ({
        ...comment,
        id: id * 10 + 1,
        posted_at: shift(comment.posted_at as number),
      })),
      ...overrides,
      id,
    }));
  }

  /**
   * The call's recording or voicemail file now exists (served at its signed links), and `asset`
   * names its page, as generated calls have it.
   */
  addMedia(callId: number, kind: MediaKind): AircallCall {
    return this.calls.update(callId, (call) => {
      call[kind] = mediaKeyOf(this.calls.space, callId, kind);
      call.asset = `https://assets.aircall.io/calls/${callId}/${kind}`;
    });
  }

  /** The file is gone: the call shows null for it from now on (`asset` is left as it was: assumed). */
  removeMedia(callId: number, kind: MediaKind): AircallCall {
    return this.calls.update(callId, (call) => {
      call[kind] = null;
      call[`${kind}_short_url`] = null;
    });
  }

  /** Ends an in-progress call at `endedAt` (unix s). */
  end(callId: number, endedAt: number): AircallCall {
    return this.calls.update(callId, (call) => {
      call.status = 'done';
      call.ended_at = endedAt;
      call.duration = endedAt - (call.started_at ?? endedAt);
    });
  }
}
