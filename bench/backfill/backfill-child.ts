import 'reflect-metadata';
import { runBackfillBench } from '../backfill-bench';

/**
 * One backfill measurement in a fresh process, so its peak RSS is the sync engine's alone (not the
 * benchmark driver's, whose heap already holds the ingestion runs). Options come as JSON in argv[2];
 * the result is printed as one JSON line on stdout.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof runBackfillBench>[0];
  const result = await runBackfillBench(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
