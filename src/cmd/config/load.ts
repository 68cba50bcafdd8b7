// Turns config files into command-line flags. A component's settings come from, in order (later
// wins): the shared file (/etc/k8ts/config), the component's file (/etc/k8ts/<component>), then
// the command line. File values are checked against the declarations and become `--flag=value`
// arguments placed before the user's own, so each component's existing flag parser applies them
// and a flag typed on the command line overrides any file. `--v` and `--config-dir` are taken out
// here: they configure the loader and the logger, not the component.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON, DEFAULT_CONFIG_DIR, SHARED_FILE, SHARED_KEYS } from './common.js';
import { ConfigError, parseEnvFile, type Entry } from './env-file.js';
import { checkValue, toArgs } from './values.js';
import { fileKey, type ComponentConfig, type Setting } from './types.js';

export interface LoadedConfig {
  /** Flags from the files followed by the command line (minus --v, --config-dir, --help). */
  args: string[];
  verbosity: number;
  /** `--help` or `-h` was given. */
  help: boolean;
  configDir: string;
  /** Files that existed and were applied, in order. */
  files: string[];
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
}

const V = COMMON.find((s) => s.flag === 'v')!;

export function loadConfig(decl: ComponentConfig, argv: string[], opts: LoadOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const cli = takeLoaderFlags(argv);
  const explicitDir = cli.configDir ?? (env.K8TS_CONFIG_DIR || undefined);
  const configDir = explicitDir ?? DEFAULT_CONFIG_DIR;
  const out: LoadedConfig = { args: [], verbosity: 0, help: cli.help, configDir, files: [] };
  if (explicitDir !== undefined && !(existsSync(explicitDir) && statSync(explicitDir).isDirectory())) {
    throw new Error(`config directory ${explicitDir} does not exist (from ${cli.configDir !== undefined ? '--config-dir' : 'K8TS_CONFIG_DIR'})`);
  }
  const byFlag = new Map(decl.settings.map((s) => [s.flag, s]));
  let verbosity: string | undefined;

  const shared = readEntries(join(configDir, SHARED_FILE));
  if (shared) {
    out.files.push(shared.file);
    for (const e of shared.entries) {
      const flag = flagOf(e.key, SHARED_KEYS);
      if (flag === undefined) throw new ConfigError(shared.file, e.line, e.key, `unknown key; the shared file takes ${SHARED_KEYS.map(fileKey).join(', ')} (other settings go in the component's own file)`);
      if (flag === 'v') { verbosity = fileValue(V, e, shared.file); continue; }
      const s = byFlag.get(flag);
      if (s) out.args.push(...fileArgs(s, e, shared.file));
    }
  }
  const own = readEntries(join(configDir, decl.name));
  if (own) {
    out.files.push(own.file);
    const allowed = decl.settings.filter((s) => !s.cliOnly);
    for (const e of own.entries) {
      const flag = flagOf(e.key, ['v', ...allowed.map((s) => s.flag)]);
      if (flag === undefined) {
        const cliOnly = decl.settings.find((s) => s.cliOnly && fileKey(s.flag) === e.key);
        throw new ConfigError(own.file, e.line, e.key, cliOnly
          ? `--${cliOnly.flag} is an action, only accepted on the command line`
          : `unknown key for k8ts ${decl.name}; known keys: ${['V', ...allowed.map((s) => fileKey(s.flag))].join(', ')}`);
      }
      if (flag === 'v') { verbosity = fileValue(V, e, own.file); continue; }
      out.args.push(...fileArgs(byFlag.get(flag)!, e, own.file));
    }
  }
  if (cli.v !== undefined) {
    try { verbosity = checkValue(V, cli.v); } catch (err) { throw new Error(`invalid value for --v: ${(err as Error).message}`); }
  }
  out.verbosity = verbosity === undefined ? 0 : Number(verbosity);
  if (out.verbosity < 0) throw new Error(`invalid value for --v: ${out.verbosity} is negative`);
  out.args.push(...cli.rest);
  return out;
}

function flagOf(key: string, flags: string[]): string | undefined {
  return flags.find((f) => fileKey(f) === key);
}

/** An empty value ("") leaves the setting at its default, so a default file can list every key. */
function fileValue(s: Setting, e: Entry, file: string): string | undefined {
  if (e.value === '') return undefined;
  try {
    return checkValue(s, e.value);
  } catch (err) {
    throw new ConfigError(file, e.line, e.key, `bad value: ${(err as Error).message}`);
  }
}

function fileArgs(s: Setting, e: Entry, file: string): string[] {
  const v = fileValue(s, e, file);
  return v === undefined ? [] : toArgs(s, v);
}

function readEntries(file: string): { file: string; entries: Entry[] } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read config file ${file}: ${(err as Error).message}`);
  }
  return { file, entries: parseEnvFile(text, file) };
}

interface LoaderFlags { configDir?: string; v?: string; help: boolean; rest: string[] }

/** Takes --config-dir, --v/-v and --help/-h out of argv; everything else stays in order. */
export function takeLoaderFlags(argv: string[]): LoaderFlags {
  const out: LoaderFlags = { help: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const name = a.startsWith('-') && eq > 0 ? a.slice(0, eq) : a;
    const value = () => {
      if (eq > 0 && name !== a) return a.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new Error(`flag ${name} needs a value`);
      return next;
    };
    if (name === '--config-dir') out.configDir = value();
    else if (name === '--v' || name === '-v') out.v = value();
    else if (name === '--help' || name === '-h') out.help = true;
    else out.rest.push(a);
  }
  return out;
}
