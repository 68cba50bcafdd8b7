// Throwaway network namespaces for proxy tests and benches: created with a random name, deleted
// (with every process started in them) on close, even after a failure.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestNetns {
  name: string;
  path: string;
  /** Runs a command inside the namespace and returns stdout. */
  exec(cmd: string, args: string[]): Promise<string>;
  /** `ip` commands against the namespace (`ip -n NAME ...`). */
  ip(...args: string[]): Promise<string>;
  /** Starts a Node script inside the namespace; killed by close(). */
  node(script: string): ChildProcess;
  close(): Promise<void>;
}

export async function createNetns(prefix = 'k8ts-t'): Promise<TestNetns> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const path = `/run/netns/${name}`;
  await run('ip', ['netns', 'add', name]);
  const children = new Set<ChildProcess>();
  const ns: TestNetns = {
    name, path,
    async exec(cmd, args) {
      const { stdout } = await run('nsenter', [`--net=${path}`, cmd, ...args], { timeout: 30_000, maxBuffer: 256 * 1024 * 1024 });
      return stdout;
    },
    async ip(...args) {
      const { stdout } = await run('ip', ['-n', name, ...args], { timeout: 30_000 });
      return stdout;
    },
    node(script) {
      const child = spawn('nsenter', [`--net=${path}`, process.execPath, '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all([...children].map((c) => new Promise<void>((r) => { if (c.exitCode !== null || c.signalCode !== null) r(); else c.once('exit', () => r()); setTimeout(r, 5000).unref(); })));
      await run('ip', ['netns', 'del', name]).catch(() => undefined);
    },
  };
  try {
    await ns.ip('link', 'set', 'lo', 'up');
  } catch (err) {
    await ns.close();
    throw err;
  }
  return ns;
}

/** Reads JSON lines from a child's stdout. */
export function jsonLines(child: ChildProcess): { next(timeoutMs: number): Promise<any> } {
  const queue: any[] = [];
  const waiters: ((v: any) => void)[] = [];
  let buf = '';
  child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.trim()) continue;
      const v = JSON.parse(line);
      const w = waiters.shift();
      if (w) w(v); else queue.push(v);
    }
  });
  return {
    next(timeoutMs) {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => { const k = waiters.indexOf(done); if (k >= 0) waiters.splice(k, 1); reject(new Error(`no reply within ${timeoutMs} ms`)); }, timeoutMs);
        const done = (v: any) => { clearTimeout(t); resolve(v); };
        waiters.push(done);
      });
    },
  };
}
