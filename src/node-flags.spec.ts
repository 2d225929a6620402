import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from './node-flags';

describe('SERVICE_NODE_FLAGS', () => {
  it('are the flags npm start runs the service with', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const node = pkg.scripts.start.split('&&').pop()!.trim().split(/\s+/);
    expect(node[0]).toBe('node');
    expect(node.slice(1, -1)).toEqual([...SERVICE_NODE_FLAGS]);
    expect(node[node.length - 1]).toBe('dist/src/main.js');
  });
});
