import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { COMPONENTS } from './index.js';
import { defaultFiles, referencePages } from './generate.js';
import { parseEnvFile } from './env-file.js';
import { loadConfig } from './load.js';
import { renderHelp } from './render.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('docs/reference holds exactly the pages the declarations generate (run `npm run docs` when this fails)', () => {
  const dir = new URL('../../../../docs/reference/', import.meta.url);
  const pages = referencePages();
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.md')).sort(), [...pages.keys()].sort());
  for (const [name, text] of pages) assert.equal(readFileSync(new URL(name, dir), 'utf8'), text, `docs/reference/${name} is stale`);
});

test('--help lists every flag and every file key of the component', () => {
  for (const c of Object.values(COMPONENTS)) {
    const help = renderHelp(c);
    for (const s of c.settings) assert.match(help, new RegExp(`--${s.flag}\\b`), `${c.name} --${s.flag}`);
    assert.ok(help.startsWith(`usage: k8ts ${c.name} [flags]`));
  }
});

test('the default config files load cleanly (every line a comment) and name every setting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-defaults-'));
  try {
    for (const [name, text] of defaultFiles()) {
      writeFileSync(join(dir, name), text);
      assert.deepEqual(parseEnvFile(text, name), [], `${name} sets nothing by default`);
      if (COMPONENTS[name]) {
        for (const s of COMPONENTS[name]!.settings.filter((x) => !x.cliOnly)) assert.match(text, new RegExp(`^#${s.flag.toUpperCase().replace(/-/g, '_')}=`, 'm'));
        // Uncommenting every line must give a valid file: the shown defaults are valid values.
        const uncommented = text.split('\n').map((l) => (/^#[A-Z_]+=/.test(l) ? l.slice(1) : l)).join('\n');
        writeFileSync(join(dir, name), uncommented);
        assert.doesNotThrow(() => loadConfig(COMPONENTS[name]!, [], { env: { K8TS_CONFIG_DIR: dir } }), name);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
