import { AircallSimulator } from './aircall-simulator';
import { CONTROL_ENDPOINTS, CONTROL_PREFIX } from './simulator-control';

/**
 * The simulator as its own process (benchmarks, or a person trying the service by hand), and the
 * commands that drive a running one through its control surface. See USAGE.
 */
const USAGE = `Usage:
  npm run simulator -- [start] [options]      start a simulated Aircall (also node dist/test/simulator/main.js)
  npm run simulator -- <command> [args]       drive a running one through its control surface
  npm run simulator -- --help

Start options:
  --port N                 port to listen on (default 0: any free port; the commands default to 4010)
  --host H                 address to bind (default 127.0.0.1)
  --companies N            simulated companies (default 1)
  --calls-per-company N    generated history per company (default 500)
  --history-days N         how far back GET /v1/calls serves (default 183)
  --rate-limit N           API requests per window per company (default 60, as Aircall)
  --rate-window-ms N       the rate window (default 60000)
  --latency-ms N           added to every API answer (default 0)
  --media-bytes N          size of each recording or voicemail file (default 262144)
  --media-link-ttl-seconds N
                           lifetime of the signed recording/voicemail links (default 3600)
Once listening it prints one JSON line {baseUrl, control, companies: [{id, apiId, apiToken, callCount}]};
SIGINT/SIGTERM stop it. Point the service at it with AIRCALL_API_URL=<baseUrl> (and
AIRCALL_DASHBOARD_URL=<baseUrl> for OAuth), then connect a company with its apiId/apiToken, e.g.
  npm run admin -- connect --api-id sim-api-id-4100001 --api-token <apiToken>

Commands (each prints the control surface's JSON answer; exit 1 when it refused):
  status                               companies, their API keys and tags, pending faults
  webhooks [--company ID]              webhooks registered through the API (the service's, once connected)
  call [--company ID] [--direction inbound|outbound] [--missed] [--live] [--ring-seconds N] [--talk-seconds N]
                                       a new call with its webhooks in Aircall's order: call.created,
                                       call.ringing_on_agent (inbound), call.answered (unless --missed),
                                       call.hungup, call.ended; --live stops after answering (or ringing)
  answer <callId>                      call.answered
  end <callId> [--missed-reason R]     call.hungup, then call.ended
  tag <callId> [--tag-id N]            call.tagged (default: a tag the call lacks)
  untag <callId> --tag-id N            call.untagged
  comment <callId> --text T            call.commented
  archive <callId>                     call.archived
  event <callId> <call.event>          any call.* event with the call as it is (e.g. call.hold)
  assets <callId> [--kinds recording,voicemail] [--bytes N]
                                       the call's files now exist: call.comm_assets_generated
  media                                media link lifetime, file size, downloads counted
  release-stalls                       downloads held by a stall fault go on
  fault <kind> [--count N] [--path /v1/calls] [--method GET] [--company ID] [--status S] [--ms N]
                                       the next matching API requests fail: kind status (--status
                                       500|502|503|504, default 503), refuse (400|404|422), hang,
                                       garbage, wrong-shape, reset, delay (--ms, default 2000);
                                       --scope media for downloads, which also know truncate and
                                       stall (--after-bytes N), throttle (--bytes-per-second N),
                                       redirect (--location URL)
  faults | clear-faults                pending faults; disarm them all
  rate-limit [--company ID]            spend the company's budget: API requests get 429 until reset
Command options: --url U (default $SIMULATOR_URL or http://127.0.0.1:4010).

Environment: SIMULATOR_URL (the commands' --url).

Control surface (HTTP on the simulator's own port, JSON bodies; never under Aircall's API paths):
${CONTROL_ENDPOINTS.map(([route, what]) => `  ${route}\n      ${what}`).join('\n')}`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
}

const FLAGS = new Set(['help', 'missed', 'live']);

function parseArguments(argv: string[]): Parsed {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2);
    if (FLAGS.has(name) && inline === undefined) {
      flags.add(name);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values.set(name, value);
  }
  return { positional, values, flags };
}

function integer(
  values: Map<string, string>,
  name: string,
  fallback: number | undefined,
): number | undefined {
  const raw = values.get(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(raw);
}

function only(parsed: Parsed, known: string[]): void {
  for (const name of parsed.values.keys())
    if (!known.includes(name)) throw new UsageError(`unknown option --${name} (known: ${known.join(', ')})`);
}

async function start(parsed: Parsed): Promise<void> {
  const { values } = parsed;
  only(parsed, [
    'port',
    'host',
    'companies',
    'calls-per-company',
    'rate-limit',
    'rate-window-ms',
    'history-days',
    'latency-ms',
    'media-bytes',
    'media-link-ttl-seconds',
  ]);
  const simulator = await AircallSimulator.start({
    port: integer(values, 'port', 0),
    host: values.get('host') ?? '127.0.0.1',
    companies: integer(values, 'companies', 1),
    callsPerCompany: integer(values, 'calls-per-company', 500),
    rateLimit: integer(values, 'rate-limit', 60),
    rateWindowMs: integer(values, 'rate-window-ms', 60_000),
    historyDays: integer(values, 'history-days', 183),
    latencyMs: integer(values, 'latency-ms', 0),
    mediaBytes: integer(values, 'media-bytes', undefined),
    mediaLinkTtlSeconds: integer(values, 'media-link-ttl-seconds', undefined),
  });
  process.stdout.write(
    `${JSON.stringify({
      baseUrl: simulator.baseUrl,
      control: `${simulator.baseUrl}${CONTROL_PREFIX}`,
      companies: simulator.companies.map((company) => ({
        id: company.id,
        apiId: company.apiId,
        apiToken: company.apiToken,
        callCount: company.calls.total,
      })),
    })}\n`,
  );
  const stop = () => {
    process.stderr.write(`${JSON.stringify({ stopping: true, stats: simulator.stats })}\n`);
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The control request a command stands for: method, path under CONTROL_PREFIX, JSON body. */
function controlRequest(
  command: string,
  parsed: Parsed,
): [string, string, Record<string, unknown> | undefined] {
  const [, ...args] = parsed.positional;
  const { values, flags } = parsed;
  const callId = () => {
    if (!args[0] || !/^\d+$/.test(args[0])) throw new UsageError(`${command} needs a call id`);
    return args[0];
  };
  const company = () => integer(values, 'company', undefined);
  switch (command) {
    case 'status':
      only(parsed, ['url']);
      return ['GET', '', undefined];
    case 'webhooks':
      only(parsed, ['url', 'company']);
      return ['GET', `/webhooks${values.has('company') ? `?company=${company()}` : ''}`, undefined];
    case 'call': {
      only(parsed, ['url', 'company', 'direction', 'ring-seconds', 'talk-seconds', 'missed-reason']);
      const live = flags.has('live');
      return [
        'POST',
        '/calls',
        {
          company: company(),
          direction: values.get('direction'),
          answered: !flags.has('missed'),
          ended: !live,
          ringSeconds: integer(values, 'ring-seconds', undefined),
          talkSeconds: integer(values, 'talk-seconds', undefined),
          missedCallReason: values.get('missed-reason'),
        },
      ];
    }
    case 'answer':
    case 'archive':
      only(parsed, ['url']);
      return ['POST', `/calls/${callId()}/${command}`, {}];
    case 'end':
      only(parsed, ['url', 'missed-reason']);
      return ['POST', `/calls/${callId()}/end`, { missedCallReason: values.get('missed-reason') }];
    case 'tag':
    case 'untag':
      only(parsed, ['url', 'tag-id']);
      return ['POST', `/calls/${callId()}/${command}`, { tagId: integer(values, 'tag-id', undefined) }];
    case 'comment':
      only(parsed, ['url', 'text']);
      return ['POST', `/calls/${callId()}/comment`, { content: values.get('text') }];
    case 'event': {
      only(parsed, ['url']);
      const id = callId();
      if (!args[1]) throw new UsageError('event needs a call id and an event name, e.g. call.hold');
      return ['POST', `/calls/${id}/events`, { event: args[1] }];
    }
    case 'assets':
      only(parsed, ['url', 'kinds', 'bytes']);
      return [
        'POST',
        `/calls/${callId()}/assets`,
        { kinds: values.get('kinds')?.split(','), bytes: integer(values, 'bytes', undefined) },
      ];
    case 'media':
      only(parsed, ['url']);
      return ['GET', '/media', undefined];
    case 'release-stalls':
      only(parsed, ['url']);
      return ['POST', '/faults/release', {}];
    case 'fault': {
      only(parsed, [
        'url',
        'count',
        'path',
        'method',
        'company',
        'status',
        'ms',
        'scope',
        'after-bytes',
        'bytes-per-second',
        'location',
      ]);
      if (!args[0]) throw new UsageError('fault needs a kind');
      return [
        'POST',
        '/faults',
        {
          kind: args[0],
          count: integer(values, 'count', undefined),
          pathPrefix: values.get('path'),
          method: values.get('method'),
          companyId: company(),
          status: integer(values, 'status', undefined),
          ms: integer(values, 'ms', undefined),
          scope: values.get('scope'),
          afterBytes: integer(values, 'after-bytes', undefined),
          bytesPerSecond: integer(values, 'bytes-per-second', undefined),
          location: values.get('location'),
        },
      ];
    }
    case 'faults':
      only(parsed, ['url']);
      return ['GET', '/faults', undefined];
    case 'clear-faults':
      only(parsed, ['url']);
      return ['DELETE', '/faults', undefined];
    case 'rate-limit':
      only(parsed, ['url', 'company']);
      return ['POST', '/rate-limit/exhaust', { company: company() }];
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function command(name: string, parsed: Parsed): Promise<number> {
  const [method, path, body] = controlRequest(name, parsed);
  const base = parsed.values.get('url') ?? process.env.SIMULATOR_URL ?? 'http://127.0.0.1:4010';
  const response = await fetch(`${base.replace(/\/$/, '')}${CONTROL_PREFIX}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  try {
    process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  } catch {
    process.stdout.write(`${text}\n`);
  }
  return response.ok ? 0 : 1;
}

async function main(argv: string[]): Promise<void> {
  const parsed = parseArguments(argv);
  if (parsed.flags.has('help') || parsed.positional[0] === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const name = parsed.positional[0] ?? 'start';
  if (name === 'start') {
    if (parsed.positional.length > 1) throw new UsageError(`unexpected argument ${parsed.positional[1]}`);
    await start(parsed);
    return;
  }
  process.exitCode = await command(name, parsed);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
