/** A failure the simulator plays instead of a normal answer. */
export type FaultKind =
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  /** A refusal of the request itself, with Aircall's error body (retrying gets the same answer). */
  | { kind: 'refuse'; status: 400 | 404 | 422; error: string; troubleshoot: string }
  /** Never answers (the client's timeout must fire); the socket is dropped when the simulator closes. */
  | { kind: 'hang' }
  /** 200 with a body that is not JSON. */
  | { kind: 'garbage' }
  /** 200 with valid JSON of the wrong shape. */
  | { kind: 'wrong-shape' }
  /** The connection is destroyed without an answer. */
  | { kind: 'reset' }
  /** The normal answer, `ms` late (a slow Aircall, short of the client's timeout or past it). */
  | { kind: 'delay'; ms: number }
  | MediaFaultKind;

/** Faults only a media download can get (`scope: 'media'` is implied). */
export type MediaFaultKind =
  /** The headers promise the whole body; the socket is destroyed after `afterBytes` of it. */
  | { kind: 'truncate'; afterBytes: number }
  /** `afterBytes` of the body, then nothing until `releaseStalls()` (or the client goes away). */
  | { kind: 'stall'; afterBytes: number }
  /** The body at `bytesPerSecond`. */
  | { kind: 'throttle'; bytesPerSecond: number }
  /** 302 to `location` instead of the file. */
  | { kind: 'redirect'; location: string };

/** Which requests a fault waits for: Aircall's API, or the recording and voicemail files. */
export type FaultScope = 'api' | 'media';

export type FaultSpec = FaultKind & {
  /** How many matching requests get this fault. Default 1. */
  count?: number;
  /** Only requests whose path starts with this (e.g. `/v1/calls`, or a file's `/media/…` path). */
  pathPrefix?: string;
  method?: string;
  /** Only requests of this company. */
  companyId?: number;
  /** Default 'api', or 'media' for the media-only kinds. */
  scope?: FaultScope;
};

interface ArmedFault {
  spec: FaultSpec;
  left: number;
}

const MEDIA_ONLY_KINDS = new Set<FaultKind['kind']>(['truncate', 'stall', 'throttle', 'redirect']);
const API_ONLY_KINDS = new Set<FaultKind['kind']>(['refuse', 'garbage', 'wrong-shape']);
/** Faults that act on a body: a HEAD has none, so they wait for the GET. */
const BODY_KINDS = new Set<FaultKind['kind']>(['truncate', 'stall', 'throttle']);

export function scopeOf(spec: FaultSpec): FaultScope {
  return spec.scope ?? (MEDIA_ONLY_KINDS.has(spec.kind) ? 'media' : 'api');
}

/** Faults armed by tests, consumed in order by the requests they match. */
export class FaultInjector {
  private armed: ArmedFault[] = [];
  private stalled = new Set<() => void>();

  add(spec: FaultSpec): void {
    if (scopeOf(spec) === 'api' && MEDIA_ONLY_KINDS.has(spec.kind))
      throw new Error(`simulator: a ${spec.kind} fault is for media downloads only`);
    if (scopeOf(spec) === 'media' && API_ONLY_KINDS.has(spec.kind))
      throw new Error(`simulator: a ${spec.kind} fault is for API requests only`);
    this.armed.push({ spec, left: spec.count ?? 1 });
  }

  /** Disarms every fault and lets stalled downloads go on. */
  clear(): void {
    this.armed = [];
    this.releaseStalls();
  }

  /** Faults still waiting to be played. */
  get pending(): number {
    return this.armed.reduce((sum, fault) => sum + fault.left, 0);
  }

  /** Downloads held by a `stall` fault right now. */
  get stalls(): number {
    return this.stalled.size;
  }

  /** The fault this request must get, if any (and counts it as played). */
  take(
    method: string,
    path: string,
    companyId: number | undefined,
    scope: FaultScope = 'api',
  ): FaultKind | undefined {
    const fault = this.armed.find(
      ({ spec }) =>
        scopeOf(spec) === scope &&
        !(method === 'HEAD' && BODY_KINDS.has(spec.kind) && spec.method === undefined) &&
        (spec.pathPrefix === undefined || path.startsWith(spec.pathPrefix)) &&
        (spec.method === undefined || spec.method.toUpperCase() === method) &&
        (spec.companyId === undefined || spec.companyId === companyId),
    );
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.armed = this.armed.filter((other) => other !== fault);
    return fault.spec;
  }

  /** Resolves when the stall is released, or at once if `gone` fires first (the client hung up). */
  hold(gone: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        this.stalled.delete(release);
        resolve();
      };
      this.stalled.add(release);
      void gone.then(release);
    });
  }

  /** Lets every stalled download go on; returns how many there were. */
  releaseStalls(): number {
    const held = [...this.stalled];
    for (const release of held) release();
    return held.length;
  }
}
