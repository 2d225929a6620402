import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', 'scripts', 'check-commit-messages.mjs');

/** The commit-msg hook (.githooks/commit-msg) and CI (.ci/run) run this check. */
describe('commit message check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'commit-msg-'));
  const check = (message: string) => {
    const file = join(dir, 'MSG');
    writeFileSync(file, message);
    const run = spawnSync(process.execPath, [SCRIPT, '--file', file], { encoding: 'utf8' });
    return { status: run.status, errors: run.stderr.trim().split('\n').filter(Boolean) };
  };

  it('accepts a subject of at most 72 characters, a blank line and a body (git comments ignored)', () => {
    expect(
      check(`sync: ${'x'.repeat(66)}\n\nWhat changed, why, and how it was verified.\n# git's hint\n`),
    ).toEqual({
      status: 0,
      errors: [],
    });
  });

  it('refuses a long subject, a missing blank line and a missing body, naming each', () => {
    expect(check(`${'y'.repeat(73)}\nstraight on\nthen the body\n`).errors).toEqual([
      'commit message: the subject has 73 characters (at most 72)',
      'commit message: the second line must be blank (it separates the subject from the body)',
    ]);
    expect(check('webhooks: subject only\n')).toEqual({
      status: 1,
      errors: ['commit message: there is no body: say what changed, why, and how it was verified'],
    });
  });

  it('leaves merge messages as git writes them', () => {
    expect(check("Merge branch 'wt-logging'\n").status).toBe(0);
  });
});
