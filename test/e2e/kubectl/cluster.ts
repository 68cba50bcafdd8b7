// A real API server (every built-in resource) in this process, on an ephemeral loopback port over
// a temp SQLite store, with a kubeconfig in a temp dir, and a way to run the real kubectl binaries
// against it. Every kubectl run gets a deadline; every spawned kubectl is killed by close().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { openSqliteStore } from '../../../src/storage/sqlite/index.js';
import type { Store } from '../../../src/storage/types.js';
import { createApiServer, type ApiServer } from '../../../src/apiserver/server.js';
import { kubeconfig } from '../../../src/cmd/apiserver.js';
import { request, type Reply } from '../../apiserver/harness.js';

/** The kubectl binaries on this machine; /usr/bin/kubectl is gcloud's dispatcher (runs 1.32 here). */
export const KUBECTL = {
  '1.27': '/usr/lib/google-cloud-sdk/bin/kubectl.1.27',
  '1.32': '/usr/bin/kubectl',
  '1.33': '/usr/lib/google-cloud-sdk/bin/kubectl.1.33',
} as const;

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlRunOptions {
  timeoutMs?: number;
  stdin?: string;
}

/** A kubectl left running (get -w): its output so far, with deadline-bound waits. */
export interface KubectlProcess {
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching re (old or new); rejects after timeoutMs. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Kills it and waits for it to exit. */
  stop(): Promise<void>;
}

export interface KubectlCluster {
  base: string;
  store: Store;
  server: ApiServer;
  dir: string;
  kubeconfigPath: string;
  /** Runs kubectl (with --kubeconfig and a per-cluster --cache-dir) to completion. */
  kubectl(args: string[], opts?: KubectlRunOptions): Promise<KubectlRun>;
  /** Starts kubectl and leaves it running. */
  spawn(args: string[]): KubectlProcess;
  /** An HTTP request straight to the API server (JSON body unless a string or Buffer). */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  /** The object as stored under key (e.g. /registry/core/configmaps/ns/name), or null. */
  stored(key: string): Promise<any>;
  /** Writes a file in the cluster's temp dir and returns its path. */
  file(name: string, text: string): string;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function startKubectlCluster(bin: string): Promise<KubectlCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-kubectl-'));
  const home = join(dir, 'home');
  const cacheDir = join(dir, 'cache');
  const files = join(dir, 'files');
  mkdirSync(home);
  mkdirSync(files);
  let store: Store;
  try {
    store = openSqliteStore({ path: join(dir, 'store.db') });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const logs: string[] = [];
  const server = createApiServer({ store, log: (msg, f) => { logs.push(JSON.stringify({ msg, ...f })); } });
  let port: number;
  try {
    port = await server.listen(0, '127.0.0.1');
  } catch (err) {
    await server.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const base = `http://127.0.0.1:${port}`;
  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(base), { mode: 0o600 });
  const agent = new http.Agent({ keepAlive: true });
  const children = new Set<ChildProcess>();

  // A private HOME: the gcloud dispatcher caches /version under ~/.kube/cache, and nothing of the
  // user's own kubeconfig may leak in.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };
  const fullArgs = (args: string[]) => ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args];

  const start = (args: string[]): ChildProcess => {
    const child = spawn(bin, fullArgs(args), { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  };

  return {
    base, store, server, dir, kubeconfigPath,

    kubectl(args, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      return new Promise((resolve, reject) => {
        const child = start(args);
        let stdout = '';
        let stderr = '';
        child.stdout!.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
        child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`kubectl ${args.join(' ')} did not finish within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        child.on('error', (err) => { clearTimeout(timer); reject(err); });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
        });
        child.stdin!.end(opts.stdin ?? '');
      });
    },

    spawn(args) {
      const child = start(args);
      let out = '';
      let err = '';
      let exited = false;
      const listeners = new Set<() => void>();
      child.stdout!.setEncoding('utf8').on('data', (c: string) => { out += c; for (const l of [...listeners]) l(); });
      child.stderr!.setEncoding('utf8').on('data', (c: string) => { err += c; });
      const exit = new Promise<void>((resolve) => child.on('close', () => { exited = true; for (const l of [...listeners]) l(); resolve(); }));
      child.stdin!.end();
      return {
        stdout: () => out,
        stderr: () => err,
        waitForLine(re, timeoutMs = 10_000) {
          return new Promise((resolve, reject) => {
            const check = () => {
              const line = out.split('\n').find((l) => re.test(l));
              if (line !== undefined) { done(); resolve(line); return; }
              if (exited) { done(); reject(new Error(`kubectl exited before printing ${re}\nstdout: ${out}\nstderr: ${err}`)); }
            };
            const timer = setTimeout(() => { done(); reject(new Error(`no line matching ${re} within ${timeoutMs} ms\nstdout: ${out}\nstderr: ${err}`)); }, timeoutMs);
            const done = () => { clearTimeout(timer); listeners.delete(check); };
            listeners.add(check);
            check();
          });
        },
        async stop() {
          if (!exited) child.kill('SIGKILL');
          await exit;
        },
      };
    },

    api(method, path, body, headers) {
      return request(agent, base, method, path, body, headers);
    },

    async stored(key) {
      const { kv } = await store.get(key);
      return kv ? JSON.parse(kv.value.toString('utf8')) : null;
    },

    file(name, text) {
      const p = join(files, name);
      writeFileSync(p, text);
      return p;
    },

    async close() {
      const exits = [...children].map((c) => new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) { resolve(); return; }
        c.once('close', () => resolve());
        c.kill('SIGKILL');
      }));
      await Promise.all(exits);
      agent.destroy();
      await server.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
