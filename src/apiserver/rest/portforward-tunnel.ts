// kubectl 1.31+'s port-forward over WebSocket (upstream: pkg/util/proxy/streamtunnel.go): the client
// asks for the subprotocol `SPDY/3.1+portforward.k8s.io` and then speaks plain SPDY/3.1 inside
// binary WebSocket messages. The API server upgrades to SPDY towards the kubelet (as a SPDY client
// would: POST, Upgrade: SPDY/3.1, X-Stream-Protocol-Version: portforward.k8s.io) and, once the
// kubelet has switched protocols, completes the WebSocket handshake and carries the SPDY bytes
// between the two unchanged. If the kubelet refuses, the client gets that refusal instead of a
// 101, and falls back to SPDY on its own.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, createWebSocketStream } from 'ws';

export const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
const MAX_HEAD_BYTES = 64 * 1024;

/** Whether a WebSocket upgrade asks for the SPDY tunnel. */
export function wantsPortForwardTunnel(req: IncomingMessage): boolean {
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return false;
  return String(req.headers['sec-websocket-protocol'] ?? '').split(',').some((p) => p.trim() === TUNNEL_PROTOCOL);
}

// ws parses Sec-WebSocket-Protocol as RFC 7230 tokens, which the tunnel's name ('/' and '+') is not:
// the request's header is swapped for a token alias before the handshake, and the real name is
// what handleProtocols answers (ws does not re-check what it sends back).
const TUNNEL_ALIAS = 'k8ts-spdy-portforward-tunnel';
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered) => (offered.has(TUNNEL_ALIAS) ? TUNNEL_PROTOCOL : false) });

export interface TunnelTarget {
  /** Opens the connection to the kubelet; resolves once it can be written to. */
  connect(): Promise<Socket>;
  /** host:port for the Host header. */
  authority: string;
  /** Path and query of the kubelet's /portForward endpoint. */
  path: string;
}

/** The kubelet's answer to the SPDY upgrade: its status line and the bytes that followed its head. */
function readResponseHead(up: Socket): Promise<{ status: number; text: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer): void => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > MAX_HEAD_BYTES) finish(new Error('kubelet response head too large'));
        return;
      }
      up.off('data', onData);
      up.pause();
      const head = buf.subarray(0, end).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      finish(undefined, { status, text: head, rest: buf.subarray(end + 4) });
    };
    const onEnd = (): void => finish(new Error('the kubelet closed the connection before answering'));
    const finish = (err?: Error, v?: { status: number; text: string; rest: Buffer }): void => {
      up.off('data', onData);
      up.off('end', onEnd);
      up.off('error', finish);
      if (err) reject(err); else resolve(v!);
    };
    up.on('data', onData);
    up.once('end', onEnd);
    up.once('error', finish);
  });
}

/**
 * Serves one tunnelled port-forward session. `refuse` answers the client when the kubelet does not
 * switch protocols (its status and body text). Resolves when the session is over.
 */
export async function tunnelPortForward(
  req: IncomingMessage, client: Duplex, head: Buffer, target: TunnelTarget,
  refuse: (code: number, message: string) => void,
): Promise<void> {
  const up = await target.connect();
  try {
    up.write(`POST ${target.path} HTTP/1.1\r\nHost: ${target.authority}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n`);
    const answer = await readResponseHead(up);
    if (answer.status !== 101) {
      // The body (the kubelet's plain-text reason) follows the head; take what arrives soon.
      const body = await new Promise<string>((resolve) => {
        let text = answer.rest.toString('utf8');
        const t = setTimeout(() => resolve(text), 1000);
        up.on('data', (d: Buffer) => { text += d.toString('utf8'); });
        up.once('close', () => { clearTimeout(t); resolve(text); });
        up.resume();
      });
      up.destroy();
      refuse(answer.status >= 400 && answer.status < 600 ? answer.status : 502, body.trim() || answer.text.split('\r\n')[0]!);
      return;
    }
    await new Promise<void>((resolve) => {
      // A handshake ws refuses (bad key or version) is answered by ws and the socket closed, without a callback.
      const abandoned = (): void => { up.destroy(); resolve(); };
      client.once('close', abandoned);
      req.headers['sec-websocket-protocol'] = TUNNEL_ALIAS;
      wss.handleUpgrade(req, client, head, (ws) => {
        client.off('close', abandoned);
        const stream = createWebSocketStream(ws);
        const done = (): void => { up.destroy(); stream.destroy(); resolve(); };
        if (answer.rest.length) stream.write(answer.rest);
        up.pipe(stream);
        stream.pipe(up);
        up.resume();
        stream.once('error', done);
        up.once('error', done);
        stream.once('close', done);
        up.once('close', done);
      });
    });
  } catch (err) {
    up.destroy();
    throw err;
  }
}
