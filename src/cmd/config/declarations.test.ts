// The declarations must describe exactly the flags each component's parser takes: every declared
// setting parses, and every flag in a parser is declared. A flag added to a parser without a
// declaration fails here (add it to src/cmd/config/<component>.ts, then `npm run docs`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COMPONENTS } from './index.js';
import { COMMON, SHARED_KEYS } from './common.js';
import type { Setting } from './types.js';
import { checkValue, toArgs } from './values.js';

type Parser = (args: string[]) => unknown;

/** Each component's parser, the source file holding its `case '--flag'` labels, and the flags it cannot parse without. */
const PARSERS: Record<string, { source: string; required: string[]; load(): Promise<Parser> }> = {
  server: { source: 'server-flags.ts', required: [], load: async () => { const m = await import('../server-flags.js'); return (a) => m.parseServerFlags(a, 'host'); } },
  agent: { source: 'agent-flags.ts', required: ['--server=http://127.0.0.1:6443', '--token=t'], load: async () => { const m = await import('../agent-flags.js'); return (a) => m.parseAgentFlags(a, 'host'); } },
  apiserver: { source: 'apiserver.ts', required: [], load: async () => (await import('../apiserver.js')).parseFlags },
  'controller-manager': { source: 'controller-manager.ts', required: [], load: async () => { const m = await import('../controller-manager.js'); return (a) => m.parseFlags(a, {}); } },
  scheduler: { source: 'scheduler.ts', required: [], load: async () => (await import('../scheduler.js')).parseFlags },
  kubelet: { source: 'kubelet.ts', required: ['--kubeconfig=/k'], load: async () => (await import('../kubelet.js')).parseFlags },
  proxy: { source: 'proxy.ts', required: [], load: async () => (await import('../proxy.js')).parseFlags },
  dns: { source: 'dns.ts', required: [], load: async () => (await import('../dns.js')).parseFlags },
  'hollow-nodes': { source: 'hollow-nodes.ts', required: ['--count=1'], load: async () => (await import('../hollow-nodes.js')).parseFlags },
};

const SAMPLE: Record<Setting['type'], string> = {
  string: 'x', path: '/tmp/x', url: 'http://127.0.0.1:1', cidr: '10.0.0.0/16', ip: '10.0.0.1', int: '3', port: '1234',
  duration: '5s', millis: '100', bool: 'true', switch: 'true', list: 'a,b',
};

function sourceFlags(file: string): string[] {
  const text = readFileSync(new URL(`../../../../src/cmd/${file}`, import.meta.url), 'utf8');
  return [...text.matchAll(/case '(--[a-z0-9-]+)'/g)].map((m) => m[1]!).filter((f) => f !== '--help');
}

test('every component with declarations has a parser checked here', () => {
  assert.deepEqual(Object.keys(COMPONENTS).sort(), Object.keys(PARSERS).sort());
});

for (const [name, p] of Object.entries(PARSERS)) {
  test(`${name}: every declared setting is accepted by its parser, as the loader writes it`, async () => {
    const parse = await p.load();
    for (const s of COMPONENTS[name]!.settings) {
      const value = checkValue(s, s.choices?.[0] ?? SAMPLE[s.type]);
      assert.doesNotThrow(() => parse([...p.required, ...toArgs(s, value)]), `--${s.flag}`);
    }
  });

  test(`${name}: every flag its parser takes is declared`, () => {
    const declared = new Set(COMPONENTS[name]!.settings.map((s) => `--${s.flag}`));
    const missing = sourceFlags(p.source).filter((f) => !declared.has(f));
    assert.deepEqual(missing, [], `declare ${missing.join(', ')} in src/cmd/config/${name}.ts`);
  });
}

test('every shared key is a setting some component takes, and declarations have help and unique names', () => {
  const all = Object.values(COMPONENTS).flatMap((c) => c.settings.map((s) => s.flag));
  for (const k of SHARED_KEYS) assert.ok(k === 'v' || all.includes(k), k);
  for (const c of Object.values(COMPONENTS)) {
    const names = [...c.settings, ...COMMON].map((s) => s.flag);
    assert.equal(new Set(names).size, names.length, `${c.name} declares a flag twice`);
    for (const s of c.settings) assert.ok(s.help.length > 10, `${c.name} --${s.flag} needs help text`);
  }
});
