// exec / attach / port-forward: CRI Exec, Attach and PortForward do not stream; they answer with a
// one-time URL on the runtime's streaming server (containerd: stream_server_address, configured on
// loopback by containerd.ts, so it is reachable only from this node). That server speaks the same
// protocols kubectl does (SPDY/3.1 and WebSocket channel.k8s.io for remotecommand; SPDY and
// WebSocket portforward.k8s.io), and the URL's token already carries the command and the
// stdin/stdout/stderr/tty choice. So the kubelet does what upstream's kubelet does with
// UpgradeAwareHandler: on the upgrade request that arrives from the API server, ask CRI for the
// URL, then replay the request line and headers to that URL and splice the two connections.
// This file is that splice; the kubelet's HTTP server owns routing and authorisation.
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded, except the two an upgrade needs.
const HOP_BY_HOP = new Set(['keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding']);

export interface ProxyOptions {
  /** Deadline to connect to the runtime's streaming server. Default 10 s. */
  connectTimeoutMs?: number;
}

/**
 * Splices an upgrade request (from an http.Server 'upgrade' event, or a request whose socket was
 * taken over) onto the runtime's streaming URL. Resolves when both directions have closed.
 * The path and query come from the runtime URL (its token names the session); the method and the
 * upgrade headers (Upgrade, Connection, Sec-WebSocket-*, X-Stream-Protocol-Version) from the client.
 */
export function proxyUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, runtimeUrl: string, opts: ProxyOptions = {}): Promise<void> {
  const target = new URL(runtimeUrl);
  if (target.protocol !== 'http:') {
    return Promise.reject(new Error(`streaming URL ${runtimeUrl}: only http is supported (the runtime serves on loopback)`));
  }
  return new Promise((resolve) => {
    const upstream: Socket = connect({ host: target.hostname, port: Number(target.port || 80) });
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      upstream.destroy();
      client.destroy();
      resolve();
    };
    const timer = setTimeout(() => {
      writeError(client, 504, `timed out connecting to the runtime streaming server ${target.host}`);
      done();
    }, opts.connectTimeoutMs ?? 10_000);

    upstream.once('connect', () => {
      clearTimeout(timer);
      upstream.write(requestHead(req, target));
      if (head.length) upstream.write(head);
      // From here on bytes flow untouched: the 101 answer, then SPDY frames or WebSocket frames.
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', (err) => {
      clearTimeout(timer);
      if (!upstream.bytesRead) writeError(client, 502, `runtime streaming server ${target.host}: ${err.message}`);
      done();
    });
    client.once('error', done);
    upstream.once('close', done);
    client.once('close', done);
  });
}

/** The request line and headers to send upstream. */
export function requestHead(req: IncomingMessage, target: URL): string {
  const lines = [`${req.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    // Authorization was checked by the kubelet; the runtime's server wants none and must see none.
    if (lower === 'host' || lower === 'authorization' || HOP_BY_HOP.has(lower)) continue;
    lines.push(`${name}: ${raw[i + 1]!.replace(/[\r\n]/g, '')}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function writeError(client: Duplex, code: number, message: string): void {
  if (client.destroyed || !client.writable) return;
  const body = `${message}\n`;
  client.end(`HTTP/1.1 ${code} ${code === 504 ? 'Gateway Timeout' : 'Bad Gateway'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
