// The layers of src/, lowest first (docs/architecture.md "Code map and layer order"): a folder imports only the folders before it
// in this list; the root files (app.module.ts, main.ts) wire everything. Used by eslint.config.mjs
// and by test/layers.e2e-spec.ts.
const LAYERS = [
  'config',
  'logging',
  'errors',
  'workers',
  'database',
  'crypto',
  'metrics',
  'http',
  'storage',
  'aircall',
  'auth',
  'graphql',
  'leases',
  'directory',
  'calls',
  'accounts',
  'webhooks',
  'sync',
  'recordings',
  'stats',
  'operations',
  'oauth',
  'health',
  'console',
  'server',
  'cli',
];

/** One `no-restricted-imports` block per layer, forbidding every layer above it (from any depth). */
function layerRules() {
  return LAYERS.slice(0, -1).map((layer, index) => ({
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: LAYERS.slice(index + 1).flatMap((name) =>
                ['', '../', '../../'].map((up) => `${up}../${name}/*`),
              ),
              message: `src/${layer}/ may import only the layers listed before it in eslint.layers.cjs (docs/architecture.md "Code map and layer order").`,
            },
          ],
        },
      ],
    },
  }));
}

module.exports = { LAYERS, layerRules };
