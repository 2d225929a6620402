/**
 * The V8 flags the service runs with: `npm start` passes them (package.json, checked by
 * node-flags.spec.ts), and the benchmarks and the multi-process tests start the service with them too.
 *
 * `--max-old-space-size=1024` caps the main heap far above what the service holds (≈ 40 MB after a
 * full collection, ≈ 65 MB at the peak of a 100,000-call backfill) but below the size from which V8
 * lets the old generation grow to 4× what survived its last full collection (on a machine with
 * several GB of memory the default limit is ≈ 4 GB). Measured on the bench machine: a 100,000-call
 * backfill peaked at 200 MB RSS with it and 271 MB without, for 9–15 more full collections (≈ 0.1 s
 * of main-thread pauses) per 15 s of webhook intake at 2,200–3,000 deliveries/s.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-old-space-size=1024'];
