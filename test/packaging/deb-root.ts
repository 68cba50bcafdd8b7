// Helpers for the packaging tests: build the .deb, install it into a throw-away root with the real
// dpkg (maintainer scripts run chrootless, with DPKG_ROOT set), read units, and run a command the
// way its unit's ExecStart would.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnvFile } from '../../src/cmd/config/env-file.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export function sh(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? REPO, env: opts.env ?? process.env, encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, killSignal: 'SIGKILL' });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** scripts/package.sh into outDir (from the already compiled dist/); returns the .deb's path. */
export function buildPackage(outDir: string): string {
  const r = sh('bash', ['scripts/package.sh', outDir], { env: { ...process.env, K8TS_PACKAGE_NO_BUILD: '1' }, timeoutMs: 240_000 });
  if (r.code !== 0) throw new Error(`package.sh failed (${r.code}): ${r.err}`);
  return r.out.trim().split('\n').pop()!;
}

/** An empty root with a dpkg database. */
export function newRoot(parent: string): string {
  const root = join(parent, 'root');
  for (const d of ['info', 'updates', 'triggers']) mkdirSync(join(root, 'var/lib/dpkg', d), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), '');
  return root;
}

/** dpkg against the root. --force-depends: the root has no nodejs package (the host's node runs k8ts); --force-unsafe-io: a throw-away root needs no fsync. */
export function dpkg(root: string, args: string[]): { code: number | null; out: string; err: string } {
  return sh('dpkg', [`--root=${root}`, '--force-script-chrootless', '--force-depends', '--force-confold', '--force-unsafe-io', ...args], { timeoutMs: 120_000 });
}

export interface UnitExec {
  argv: string[];
  environmentFiles: string[];
  environment: Record<string, string>;
}

/** The [Service] lines of a unit that say how it runs. */
export function readUnit(path: string): { text: string; exec: UnitExec; get(key: string): string[] } {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('['));
  const get = (key: string) => lines.filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
  const exec: UnitExec = {
    argv: get('ExecStart')[0]!.split(/\s+/),
    environmentFiles: get('EnvironmentFile'),
    environment: Object.fromEntries(get('Environment').flatMap((l) => l.split(/\s+/)).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
  return { text, exec, get };
}

/**
 * Starts a unit's ExecStart inside `root` as systemd would in that root: the command and its
 * EnvironmentFile(s) are the root's, and K8TS_CONFIG_DIR is the root's /etc/k8ts (what /etc/k8ts is
 * when the root is /). Nothing else is added: no flags.
 */
export function startUnit(root: string, unitName: string, extraArgs: string[] = []): Running {
  const { exec } = readUnit(join(root, 'lib/systemd/system', unitName));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...exec.environment, K8TS_CONFIG_DIR: join(root, 'etc/k8ts') };
  for (const f of exec.environmentFiles) {
    const optional = f.startsWith('-');
    const path = join(root, optional ? f.slice(1) : f);
    let text: string;
    try { text = readFileSync(path, 'utf8'); } catch (err) { if (optional) continue; throw err; }
    for (const e of parseEnvFile(text, path)) env[e.key] = e.value;
  }
  const [cmd, ...args] = exec.argv;
  const child = spawn(join(root, cmd!), [...args, ...extraArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Running(unitName, child);
}

export class Running {
  out = '';
  err = '';
  readonly exited: Promise<number | null>;
  constructor(readonly name: string, readonly child: ChildProcess) {
    child.stdout!.on('data', (c: Buffer) => { this.out += c.toString(); });
    child.stderr!.on('data', (c: Buffer) => { this.err += c.toString(); });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  /** SIGTERM, as systemctl stop; resolves to the exit code, or 'timeout' (then SIGKILL). */
  async stop(deadlineMs = 15_000): Promise<number | null | 'timeout'> {
    if (!this.running) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const res = await Promise.race([this.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), deadlineMs))]);
    if (res === 'timeout') this.child.kill('SIGKILL');
    return res;
  }
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls until check() returns a value, or fails with what() after the deadline. */
export async function waitFor<T>(what: () => string, check: () => Promise<T | undefined | null | false>, deadlineMs = 30_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
