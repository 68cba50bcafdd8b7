// What `k8ts <component>` does before the component's own main: apply the config files (so the
// component's parser sees them as flags), answer --help from the declarations, set the log
// verbosity, and check the data dir's format before any store is opened.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { createLogger, setVerbosity } from '../../machinery/log.js';
import { ensureDataFormat } from '../../storage/format-version.js';
import { COMPONENTS } from './index.js';
import { loadConfig } from './load.js';
import { renderHelp } from './render.js';
import { k8tsVersion } from './version.js';

/** The arguments to hand the component's main, or null when --help was answered. */
export async function prepareArgs(sub: string, rest: string[]): Promise<string[] | null> {
  const decl = COMPONENTS[sub];
  if (!decl) return rest;
  const loaded = loadConfig(decl, rest);
  if (loaded.help) {
    process.stdout.write(renderHelp(decl));
    return null;
  }
  setVerbosity(loaded.verbosity);
  const log = createLogger(sub);
  if (loaded.files.length) log.v(1).info('config files applied', { files: loaded.files });
  const dir = await stateDir(sub, loaded.args);
  if (dir) {
    mkdirSync(dir, { recursive: true });
    const res = ensureDataFormat(dir, { version: k8tsVersion() });
    if (res.action === 'migrated') log.info('data format migrated', { dir, from: res.from });
    else log.v(1).info('data format checked', { dir, action: res.action });
  }
  return loaded.args;
}

/** The directory holding the store this command would open (null: none, or etcd). */
async function stateDir(sub: string, args: string[]): Promise<string | null> {
  if (sub === 'server') {
    const { parseServerFlags } = await import('../server-flags.js');
    const f = parseServerFlags(args, hostname());
    return f.reset ? null : f.dataDir;
  }
  if (sub === 'apiserver') {
    const { parseFlags } = await import('../apiserver.js');
    const f = parseFlags(args);
    return f.store.startsWith('sqlite:') ? dirname(f.store.slice('sqlite:'.length)) : null;
  }
  return null;
}
