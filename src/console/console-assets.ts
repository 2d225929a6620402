import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file the console serves, read once at start. */
export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
}

/** Names a compiled console script may have; anything else in the folder is never served. */
const SCRIPT_NAME = /^[a-z][a-z0-9-]*\.js$/;

/**
 * Where `tsc -p src/console/client` wrote the browser scripts: beside this file in dist/, and in
 * dist/ as well when the service runs from its sources (ts-jest, ts-node), which have no .js there.
 */
export function consoleScriptDirectory(here: string = __dirname): string | null {
  const candidates = [join(here, 'client'), join(here, '..', '..', 'dist', 'src', 'console', 'client')];
  return candidates.find((dir) => existsSync(join(dir, 'console.js'))) ?? null;
}

/** The compiled browser scripts by file name (empty when they were not built). */
export function loadConsoleScripts(
  directory: string | null = consoleScriptDirectory(),
): Map<string, ConsoleAsset> {
  const scripts = new Map<string, ConsoleAsset>();
  if (directory === null) return scripts;
  for (const name of readdirSync(directory)) {
    if (!SCRIPT_NAME.test(name)) continue;
    scripts.set(name, {
      body: readFileSync(join(directory, name)),
      contentType: 'text/javascript; charset=utf-8',
    });
  }
  return scripts;
}
