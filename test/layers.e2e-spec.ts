import { ESLint, Linter } from 'eslint';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';

// eslint.config.mjs takes its layer rules from this file; the test lints with the same rules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { layerRules } = require('../eslint.layers.cjs') as { layerRules: () => Linter.Config[] };

/**
 * The layer order of src/ is enforced by `npm run lint`: a folder that imports a folder above it
 * fails, one that imports below passes.
 */
describe('layer order of src/', () => {
  const root = join(__dirname, '..');
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...layerRules()],
  });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(root, file) });
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
  };

  it('refuses an import of a layer above, from any depth of the folder, type imports included', async () => {
    expect(
      await lint(
        'src/calls/x.ts',
        "import { SyncService } from '../sync/sync.service';\nexport const x = SyncService;\n",
      ),
    ).toEqual([
      expect.stringMatching(
        /^no-restricted-imports: '\.\.\/sync\/sync\.service' import is restricted.*src\/calls\/ may import only/,
      ),
    ]);
    expect(
      await lint(
        'src/directory/models/x.ts',
        "import type { CallModel } from '../../calls/models/call.model';\nexport type X = CallModel;\n",
      ),
    ).toHaveLength(1);
  });

  it('keeps the admin console just below server: it may not import server, server may import it', async () => {
    expect(
      await lint(
        'src/console/x.ts',
        "import { GraphqlModule } from '../server/graphql-server.module';\nexport const x = GraphqlModule;\n",
      ),
    ).toHaveLength(1);
    expect(
      await lint(
        'src/server/x.ts',
        "import { ConsoleModule } from '../console/console.module';\nexport const x = ConsoleModule;\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'src/health/x.ts',
        "import { ConsoleModule } from '../console/console.module';\nexport const x = ConsoleModule;\n",
      ),
    ).toHaveLength(1);
  });

  it('lets a layer import the layers below it, and the root files wire every layer', async () => {
    expect(
      await lint(
        'src/database/x.ts',
        "import { AppConfig } from '../config/app-config';\nexport const x = AppConfig;\n",
      ),
    ).toEqual([]);
    expect(
      await lint(
        'src/x.ts',
        "import { SyncModule } from './sync/sync.module';\nexport const x = SyncModule;\n",
      ),
    ).toEqual([]);
  });
});
