// How many connections a RestClient opens: requests share a bounded keep-alive pool, so a burst
// waits for free connections instead of opening (and, over TLS, handshaking) one each; watches
// have connections of their own and never hold requests up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RestClient, resourceRef } from '../../src/client/rest.js';

const PODS = resourceRef('', 'v1', 'pods', true);

test('a burst of requests uses at most the pool size of connections; a watch does not take one of them', async () => {
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    if (req.url?.includes('watch=true')) {
      // A watch that stays open for the whole test.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('');
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } }));
    }, 20);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = new RestClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxRequestConnections: 4 });
  try {
    const watches = await Promise.all([0, 1].map(() => client.watch(PODS, { namespace: 'default' })));
    const answers = await Promise.all(Array.from({ length: 40 }, () => client.get(PODS, 'p', { namespace: 'default' })));
    assert.equal(answers.length, 40);
    assert.equal(maxInFlight, 4, 'four requests at a time, the rest queued');
    assert.equal(connections, 4 + 2, 'four pooled connections for 40 requests, and one per watch');
    for (const w of watches) w.close();
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
