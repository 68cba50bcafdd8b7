// A real API server (every built-in resource) over a real SQLite store, which tests can stop and
// start again on the same port while the store lives on: that is how a server restart and a
// compacted history (410 Expired) are produced for the client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import { createApiServer, type ApiServer } from '../../src/apiserver/server.js';
import { RestClient, type RestClientOptions } from '../../src/client/rest.js';

export interface TestCluster {
  base: string;
  port: number;
  store: Store;
  logs: string[];
  /** A client of this server; closed by close(). */
  client(opts?: Partial<RestClientOptions>): RestClient;
  stopServer(): Promise<void>;
  /** A second API server on the same store (e.g. to write while the main one is down). */
  sideServer(): Promise<{ client: RestClient; close(): Promise<void> }>;
  /** A fresh server process-equivalent on the same port and store. */
  startServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-client-test-'));
  let store: Store;
  try {
    store = openSqliteStore({ path: join(dir, 'store.db'), compactionIntervalMs: 0 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const logs: string[] = [];
  const make = () => createApiServer({ store, log: (msg, f) => logs.push(JSON.stringify({ msg, ...f })) });
  let server: ApiServer | null = make();
  const clients: RestClient[] = [];
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
  return {
    base, port, store, logs,
    client(opts = {}) {
      const c = new RestClient({ server: base, backoffInitialMs: 20, backoffMaxMs: 200, timeoutMs: 5000, ...opts });
      clients.push(c);
      return c;
    },
    async stopServer() {
      const s = server;
      server = null;
      await s?.close();
    },
    async sideServer() {
      const s = make();
      const p = await s.listen(0, '127.0.0.1');
      const client = new RestClient({ server: `http://127.0.0.1:${p}`, timeoutMs: 5000 });
      return { client, async close() { client.close(); await s.close(); } };
    },
    async startServer() {
      if (server) throw new Error('server already running');
      const s = make();
      server = s;
      await s.listen(port, '127.0.0.1');
    },
    async close() {
      for (const c of clients) c.close();
      await server?.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until pred() is true; fails with `what` after timeoutMs. */
export async function eventually(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
