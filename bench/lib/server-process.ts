// The API server as a child process (`k8ts apiserver`), so the figures a benchmark takes from it
// (RSS above all) are the server's own and not the load generator's.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const K8TS = fileURLToPath(new URL('../../src/cmd/k8ts.js', import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resident set size now and at its peak (VmHWM), in MiB. */
  rss(): { rssMiB: number; peakMiB: number };
  /** CPU time the server has used so far (user + system, ms): what a phase cost the server,
   *  whatever else the machine is running. */
  cpuMs(): number;
  /** The server's last lines of output, for failure messages. */
  logTail(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

const running = new Set<ChildProcess>();
let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  // Should the benchmark die before stop(), its servers must not outlive it.
  process.on('exit', () => {
    for (const p of running) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
}

export async function startApiServer(store: string, dataDir: string, timeoutMs = 30_000): Promise<ServerProcess> {
  installExitHook();
  const proc = spawn(process.execPath, [K8TS, 'apiserver', '--store', store, '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(proc);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => { running.delete(proc); resolve(); }));
  let tail = '';
  const keep = (chunk: Buffer) => { tail = (tail + chunk.toString()).slice(-4000); };
  proc.stderr!.on('data', keep);
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`apiserver did not start within ${timeoutMs} ms:\n${tail}`)), timeoutMs);
      proc.stdout!.on('data', (chunk: Buffer) => {
        keep(chunk);
        out += chunk.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
      proc.once('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`apiserver exited (${code ?? sig}) before serving:\n${tail}`)); });
    });
    return {
      url,
      pid: proc.pid!,
      rss: () => {
        const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
        const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
        return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
      },
      cpuMs: () => {
        // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command), in clock ticks.
        const fields = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
      },
      logTail: () => tail,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
