#!/usr/bin/env node
// Commit messages in commit form: a subject of at most 72 characters, a blank line, then a body
// (what changed, why, how it was verified).
//   node scripts/check-commit-messages.mjs --file .git/COMMIT_EDITMSG   (the commit-msg hook)
//   node scripts/check-commit-messages.mjs --since <commit>             (every commit after it; CI)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX_SUBJECT = 72;

/** What is wrong with a message, or an empty list. Comment lines (#) are git's, not the message's. */
export function problems(message) {
  const lines = message
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\s+$/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const [subject = '', separator, ...body] = lines;
  const found = [];
  if (subject.trim() === '') found.push('the subject line is empty');
  if (subject.length > MAX_SUBJECT) found.push(`the subject has ${subject.length} characters (at most ${MAX_SUBJECT})`);
  if (lines.length > 1 && separator !== '') found.push('the second line must be blank (it separates the subject from the body)');
  if (!body.some((line) => line.trim() !== '')) found.push('there is no body: say what changed, why, and how it was verified');
  return found;
}

function check(label, message) {
  const found = problems(message);
  for (const problem of found) process.stderr.write(`${label}: ${problem}\n`);
  return found.length === 0;
}

const [mode, value] = process.argv.slice(2);
let ok = true;
if (mode === '--file' && value) {
  const message = readFileSync(value, 'utf8');
  // Merges and git's own fixups keep the message git writes.
  if (!/^(Merge |fixup! |squash! )/.test(message)) ok = check('commit message', message);
} else if (mode === '--since' && value) {
  const hashes = execFileSync('git', ['rev-list', '--no-merges', `${value}..HEAD`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const hash of hashes) {
    const message = execFileSync('git', ['log', '-1', '--format=%B', hash], { encoding: 'utf8' });
    ok = check(`commit ${hash.slice(0, 10)}`, message) && ok;
  }
  process.stdout.write(`checked ${hashes.length} commit message(s) after ${value.slice(0, 10)}\n`);
} else {
  process.stderr.write('usage: check-commit-messages.mjs --file MSGFILE | --since COMMIT\n');
  process.exit(2);
}
process.exit(ok ? 0 : 1);
