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
  | { kind: 'delay'; ms: number };

export type FaultSpec = FaultKind & {
  /** How many matching requests get this fault. Default 1. */
  count?: number;
  /** Only requests whose path starts with this (e.g. `/v1/calls`). */
  pathPrefix?: string;
  method?: string;
  /** Only requests of this company. */
  companyId?: number;
};

interface ArmedFault {
  spec: FaultSpec;
  left: number;
}

/** Faults armed by tests, consumed in order by the requests they match. */
export class FaultInjector {
  private armed: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    this.armed.push({ spec, left: spec.count ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** Faults still waiting to be played. */
  get pending(): number {
    return this.armed.reduce((sum, fault) => sum + fault.left, 0);
  }

  /** The fault this request must get, if any (and counts it as played). */
  take(method: string, path: string, companyId: number | undefined): FaultKind | undefined {
    const fault = this.armed.find(
      ({ spec }) =>
        (spec.pathPrefix === undefined || path.startsWith(spec.pathPrefix)) &&
        (spec.method === undefined || spec.method.toUpperCase() === method) &&
        (spec.companyId === undefined || spec.companyId === companyId),
    );
    if (!fault) return undefined;
    fault.left -= 1;
    if (fault.left <= 0) this.armed = this.armed.filter((other) => other !== fault);
    return fault.spec;
  }
}
