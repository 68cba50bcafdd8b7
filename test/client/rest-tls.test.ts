// The REST client's request pool over TLS: the server's certificate is checked against the given
// CA, the client certificate is presented, and connections are reused across requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { RestClient, resourceRef, ConnectionError } from '../../src/client/rest.js';
import { makeTestPki } from '../kubelet/test-certs.js';

const CM = resourceRef('', 'v1', 'configmaps', true);

test('requests over TLS verify the server against the CA, present the client certificate, and reuse connections', async () => {
  const pki = makeTestPki();
  const users: string[] = [];
  let connections = 0;
  const srv = https.createServer({ cert: pki.serving.cert, key: pki.serving.key, ca: pki.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    users.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' });
      res.end(body || JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' } }));
    });
  });
  srv.on('secureConnection', () => connections++);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const server = `https://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const alice = pki.client('alice');
  const client = new RestClient({ server, ca: pki.ca, cert: alice.cert, key: alice.key });
  const untrusting = new RestClient({ server, maxRetries: 0 });
  try {
    const got = await client.get(CM, 'a', { namespace: 'default' });
    assert.equal(got.metadata.name, 'a');
    const created = await client.create(CM, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'default' }, data: { k: 'ü' } } as never);
    assert.deepEqual((created as unknown as { data: unknown }).data, { k: 'ü' });
    assert.deepEqual(users, ['alice', 'alice']);
    assert.equal(connections, 1, 'one TLS connection for both requests');
    await assert.rejects(untrusting.get(CM, 'a', { namespace: 'default' }), (e: unknown) => e instanceof ConnectionError && /certificate/i.test(e.message));
  } finally {
    client.close();
    untrusting.close();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
    pki.remove();
  }
});
