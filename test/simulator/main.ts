import { AircallSimulator } from './aircall-simulator';

/**
 * The simulator as its own process, for benchmarks:
 *   node dist/test/simulator/main.js --port 4010 --companies 3 --calls-per-company 100000 --rate-limit 60 --rate-window-ms 60000
 * Prints one JSON line `{baseUrl, companies: [{id, apiId, apiToken, callCount}]}` once it listens,
 * and stops on SIGINT/SIGTERM.
 */
function parseArguments(argv: string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    values.set(name, value);
  }
  return values;
}

function integer(
  values: Map<string, string>,
  name: string,
  fallback: number | undefined,
): number | undefined {
  const raw = values.get(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`--${name} must be a non-negative integer`);
  return Number(raw);
}

async function main(): Promise<void> {
  const values = parseArguments(process.argv.slice(2));
  const known = [
    'port',
    'host',
    'companies',
    'calls-per-company',
    'rate-limit',
    'rate-window-ms',
    'history-days',
    'latency-ms',
  ];
  for (const name of values.keys())
    if (!known.includes(name)) throw new Error(`unknown option --${name} (known: ${known.join(', ')})`);
  const simulator = await AircallSimulator.start({
    port: integer(values, 'port', 0),
    host: values.get('host') ?? '127.0.0.1',
    companies: integer(values, 'companies', 1),
    callsPerCompany: integer(values, 'calls-per-company', 500),
    rateLimit: integer(values, 'rate-limit', 60),
    rateWindowMs: integer(values, 'rate-window-ms', 60_000),
    historyDays: integer(values, 'history-days', 183),
    latencyMs: integer(values, 'latency-ms', 0),
  });
  process.stdout.write(
    `${JSON.stringify({
      baseUrl: simulator.baseUrl,
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

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
