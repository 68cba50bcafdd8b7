// `k8ts install server|agent`: the package's setup without a package (as k3s' install script):
// this k8ts as /usr/local/bin/k8ts, the role's unit in /etc/systemd/system, the config files in
// /etc/k8ts created when absent (an admin's edits are never overwritten), the state directory, and
// then `systemctl enable --now`. `--root DIR` installs into another root (an image, a test) and
// never touches the running system's services.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../machinery/log.js';
import { COMPONENTS, fileKey, SHARED_FILE } from './config/index.js';
import { defaultFiles, SECRET_FILES } from './config/generate.js';
import { checkValue } from './config/values.js';
import { flagArgs } from './flags.js';

export interface InstallFlags {
  role: 'server' | 'agent';
  root: string;
  binDir: string;
  unitDir: string;
  configDir: string;
  /** KEY=VALUE settings written into /etc/k8ts/<role>. */
  set: [string, string][];
  start: boolean;
}

export const INSTALL_USAGE = `usage: k8ts install server|agent [flags]

Sets this machine up to run k8ts as a system service, without the Debian package: links this
k8ts as <bin-dir>/k8ts, writes the k8ts-<role> unit, creates /etc/k8ts/config and /etc/k8ts/<role>
when absent (edited files are kept), then enables and starts the service.

flags:
  --set KEY=VALUE     a setting for /etc/k8ts/<role> (repeatable), e.g. --set SERVER=http://10.0.0.1:6443
                      --set TOKEN=...; see k8ts <role> --help for the keys
  --root DIR          install under DIR instead of / (services are then not started)
  --bin-dir DIR       (default /usr/local/bin)
  --unit-dir DIR      (default /etc/systemd/system)
  --no-start          write everything, enable nothing
`;

export function parseInstallFlags(args: string[]): InstallFlags {
  const [role, ...rest] = args;
  if (role !== 'server' && role !== 'agent') throw new Error(`k8ts install needs a role, server or agent\n${INSTALL_USAGE}`);
  const f: InstallFlags = { role, root: '/', binDir: '/usr/local/bin', unitDir: '/etc/systemd/system', configDir: '/etc/k8ts', set: [], start: true };
  const decl = COMPONENTS[role]!;
  for (const { name, value } of flagArgs(rest, INSTALL_USAGE)) {
    switch (name) {
      case '--root': f.root = value(); break;
      case '--bin-dir': f.binDir = value(); break;
      case '--unit-dir': f.unitDir = value(); break;
      case '--no-start': f.start = false; break;
      case '--set': {
        const kv = value();
        const eq = kv.indexOf('=');
        const key = eq > 0 ? kv.slice(0, eq) : '';
        const s = decl.settings.find((x) => !x.cliOnly && fileKey(x.flag) === key);
        if (!s && key !== 'V') throw new Error(`--set ${kv}: unknown key for k8ts ${role}; known keys: ${['V', ...decl.settings.filter((x) => !x.cliOnly).map((x) => fileKey(x.flag))].join(', ')}`);
        if (s) {
          try { checkValue(s, kv.slice(eq + 1)); } catch (err) { throw new Error(`--set ${kv}: ${(err as Error).message}`); }
        }
        f.set.push([key, kv.slice(eq + 1)]);
        break;
      }
      case '-h': case '--help': process.stdout.write(INSTALL_USAGE); process.exit(0); break;
      default: throw new Error(`unknown flag ${name}\n${INSTALL_USAGE}`);
    }
  }
  return f;
}

/** The directory holding dist/ (and node_modules, package.json): a checkout or /usr/lib/k8ts. */
export function appRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

export interface InstallResult {
  bin: string;
  unit: string;
  /** Config files created now; existing ones are listed in `kept`. */
  created: string[];
  kept: string[];
}

export function install(f: InstallFlags): InstallResult {
  const at = (p: string) => join(f.root, p);
  const app = appRoot();
  const res: InstallResult = { bin: join(f.binDir, 'k8ts'), unit: join(f.unitDir, `k8ts-${f.role}.service`), created: [], kept: [] };

  // The command: a symlink to this k8ts, so `k8ts` and the unit run exactly this build.
  const target = join(app, 'dist/src/cmd/k8ts.js');
  chmodSync(target, 0o755);
  mkdirSync(at(f.binDir), { recursive: true });
  const bin = at(res.bin);
  if (isLink(bin) && readlinkSync(bin) !== target) unlinkSync(bin);
  if (!isLink(bin)) {
    if (existsSync(bin)) throw new Error(`${bin} exists and is not a link to a k8ts; remove it first`);
    symlinkSync(target, bin);
  }

  // The unit: the package's, run from the bin dir.
  const unitText = readFileSync(join(app, 'packaging/systemd', `k8ts-${f.role}.service`), 'utf8')
    .replace(/^ExecStart=\/usr\/bin\/k8ts /m, `ExecStart=${join(f.binDir, 'k8ts')} `)
    .replace(/^Documentation=.*$/m, `Documentation=file://${join(app, 'docs/reference', `${f.role}.md`)}`);
  mkdirSync(at(f.unitDir), { recursive: true });
  writeAtomically(at(res.unit), unitText, 0o644);

  // Config files: created from the defaults when absent, as dpkg does with conffiles.
  const defaults = defaultFiles();
  const files: [string, string, number][] = [
    [join(f.configDir, SHARED_FILE), defaults.get(SHARED_FILE)!, 0o644],
    [join(f.configDir, f.role), defaults.get(f.role)!, SECRET_FILES.has(f.role) ? 0o600 : 0o644],
    ['/etc/default/k8ts', readFileSync(join(app, 'packaging/default/k8ts'), 'utf8'), 0o644],
  ];
  for (const [path, text, mode] of files) {
    mkdirSync(dirname(at(path)), { recursive: true });
    if (existsSync(at(path))) { res.kept.push(path); continue; }
    writeAtomically(at(path), text, mode);
    res.created.push(path);
  }
  if (f.set.length) {
    const path = at(join(f.configDir, f.role));
    writeAtomically(path, setKeys(readFileSync(path, 'utf8'), f.set), lstatSync(path).mode & 0o777);
  }
  const state = f.role === 'server' ? '/var/lib/k8ts' : '/var/lib/k8ts-agent';
  mkdirSync(at(state), { recursive: true, mode: 0o700 });
  return res;
}

/** Sets each KEY in a config file: its line (commented or not) is replaced, or one is appended. */
export function setKeys(text: string, set: [string, string][]): string {
  let lines = text.replace(/\n$/, '').split('\n');
  for (const [key, value] of set) {
    const line = `${key}="${value.replace(/(["\\$`])/g, '\\$1')}"`;
    const active = lines.findIndex((l) => l.startsWith(`${key}=`));
    const commented = lines.findIndex((l) => l.startsWith(`#${key}=`));
    if (active >= 0) lines[active] = line;
    else if (commented >= 0) lines = [...lines.slice(0, commented + 1), line, ...lines.slice(commented + 1)];
    else lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

function isLink(p: string): boolean {
  try { return lstatSync(p).isSymbolicLink(); } catch { return false; }
}

function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.k8ts-new`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) { process.stdout.write(INSTALL_USAGE); return; }
  const f = parseInstallFlags(args);
  const log = createLogger('install');
  const res = install(f);
  log.info('installed', { role: f.role, root: f.root, bin: res.bin, unit: res.unit, created: res.created, kept: res.kept });
  const unit = `k8ts-${f.role}.service`;
  const systemd = f.root === '/' && existsSync('/run/systemd/system');
  if (f.start && systemd) {
    for (const cmd of [['daemon-reload'], ['enable', '--now', unit]]) {
      const r = spawnSync('systemctl', cmd, { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`systemctl ${cmd.join(' ')} failed (exit ${r.status}); see journalctl -u ${unit}`);
    }
    process.stdout.write(`k8ts ${f.role} installed and started: systemctl status ${unit}; journalctl -u ${unit} -f\n`);
  } else {
    process.stdout.write(`k8ts ${f.role} installed${f.root === '/' ? '' : ` under ${f.root}`}. Edit ${join(f.configDir, f.role)}, then: systemctl daemon-reload && systemctl enable --now ${unit}\n`);
  }
}
