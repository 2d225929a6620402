/**
 * The V8 flags the service runs with: `npm start` passes them (package.json, checked by
 * node-flags.spec.ts), and the benchmarks and the multi-process tests start the service with them too.
 *
 * `--max-old-space-size=1024` caps the main heap far above what the service holds but below the size
 * from which V8 lets the old generation grow to 4× what survived its last full collection, so a long
 * backfill's memory stays flat for a few more short collections (figures: docs/benchmarks.md).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-old-space-size=1024'];
