import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flagArgs } from './flags.js';

function collect(args: string[], takesValue: Set<string>): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const f of flagArgs(args, 'usage: x')) out.push([f.name, takesValue.has(f.name) ? f.value() : f.inline]);
  return out;
}

test('values come inline or from the next argument, which is then skipped', () => {
  assert.deepEqual(collect(['--a', '1', '--b=2', '--c', '--d=false'], new Set(['--a', '--b'])),
    [['--a', '1'], ['--b', '2'], ['--c', undefined], ['--d', 'false']]);
});

test('a flag missing its value names the flag and shows the usage', () => {
  assert.throws(() => collect(['--a'], new Set(['--a'])), { message: 'flag --a needs a value\nusage: x' });
});
