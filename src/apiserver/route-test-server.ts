// Test support: serves one route function on an ephemeral port (404 when it declines), so route
// tests exercise real HTTP (headers, 304s, HEAD) instead of mock responses.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteFn } from './static-response.js';

export interface RouteServer {
  base: string;
  close(): Promise<void>;
}

export async function serveRoutes(...routes: RouteFn[]): Promise<RouteServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      for (const r of routes) if (r(req, res, url)) return;
      res.statusCode = 404;
      res.end('not handled');
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
