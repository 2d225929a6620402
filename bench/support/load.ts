/**
 * A typed wrapper around autocannon (the load generator) for saturation runs: HTTP/1.1 keep-alive
 * connections, each sending its next request as soon as the previous one is answered, each request's
 * body produced by `nextBody()` so every request can be a distinct delivery. Runs at a given rate
 * use paced-load.ts instead.
 */
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface AutocannonHistogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

interface AutocannonResult {
  latency: AutocannonHistogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats?: Record<string, { count: number }>;
}

interface AutocannonOptions {
  url: string;
  connections: number;
  duration?: number;
  timeout?: number;
  requests: Array<AutocannonRequest & { setupRequest?: (req: AutocannonRequest) => AutocannonRequest }>;
}

type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;

// autocannon ships no type declarations; this module is the one place that knows its shape.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
  nextBody: () => string;
}

export interface LoadResult {
  /** 2xx answers per second of the run. */
  okPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  durationSeconds: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; average: number };
  statusCodes: Record<string, number>;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    // Aircall gives up on a delivery after 5 s; a slower answer is a failure, not a latency.
    timeout: 5,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (req) => ({ ...req, body: options.nextBody() }),
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count;
  return {
    okPerSecond: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    durationSeconds: result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      average: result.latency.average,
    },
    statusCodes,
  };
}
