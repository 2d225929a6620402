// Unit tests live beside the code (src/**/*.spec.ts) and stay fast; server-level suites live in test/.
// ts-jest transpiles each file on its own (tsconfig's isolatedModules), so a suite starts without
// type-checking the project; `npm run typecheck` checks types once, in CI, before the tests.
const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  testEnvironment: 'node',
};
module.exports = {
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', rootDir: 'src', testRegex: '.*\\.spec\\.ts$' },
    { ...common, displayName: 'e2e', rootDir: '.', testRegex: 'test/.*\\.e2e-spec\\.ts$' },
  ],
};
