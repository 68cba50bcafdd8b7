import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import { FakeClock } from '../../machinery/clock.js';
import { ServiceAccountTokenManager, type TokenSource, type TokenRequestSpec } from './service-account-token.js';
import { VolumeManager } from './manager.js';

/** A TokenRequest endpoint that numbers its tokens and remembers what it was asked. */
function counter(clock: FakeClock): TokenSource & { asked: { ns: string; sa: string; spec: TokenRequestSpec }[]; fail: boolean } {
  const s = {
    asked: [] as { ns: string; sa: string; spec: TokenRequestSpec }[],
    fail: false,
    async request(ns: string, sa: string, spec: TokenRequestSpec) {
      if (s.fail) throw new Error('connection refused');
      s.asked.push({ ns, sa, spec });
      return { token: `token-${s.asked.length}`, expirationTimestamp: new Date(clock.now() + spec.expirationSeconds * 1000).toISOString() };
    },
  };
  return s;
}

const pod = {
  metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' },
  spec: {
    serviceAccountName: 'robot',
    containers: [{ name: 'c', image: 'i' }],
    volumes: [{
      name: 'kube-api-access-abcde',
      projected: {
        defaultMode: 0o644,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'vault-token' } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    }],
  },
} as unknown as Pod;

test('a token is requested for the pod\'s ServiceAccount, bound to the pod, and reused until 80 % of its life', async () => {
  const clock = new FakeClock();
  const src = counter(clock);
  const m = new ServiceAccountTokenManager(src, clock);
  assert.equal(await m.token(pod, { expirationSeconds: 1000 }), 'token-1');
  assert.deepEqual(src.asked[0], { ns: 'ns', sa: 'robot', spec: { expirationSeconds: 1000, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'p', uid: 'uid-1' } } });
  clock.advance(799_000);
  assert.equal(await m.token(pod, { expirationSeconds: 1000 }), 'token-1', 'still fresh at 79.9 %');
  assert.equal(m.nextRefresh('uid-1'), clock.now() + 1000);
  clock.advance(1000);
  assert.equal(await m.token(pod, { expirationSeconds: 1000 }), 'token-2', 'refreshed at 80 %');
  assert.equal(await m.token(pod, { audience: 'vault', expirationSeconds: 1000 }), 'token-3', 'each audience has its own token');
  assert.deepEqual(src.asked[2]!.spec.audiences, ['vault']);
});

test('while the API server is unreachable a token that has not expired is kept; an expired one is an error', async () => {
  const clock = new FakeClock();
  const src = counter(clock);
  const m = new ServiceAccountTokenManager(src, clock);
  await m.token(pod, { expirationSeconds: 1000 });
  src.fail = true;
  clock.advance(900_000);
  assert.equal(await m.token(pod, { expirationSeconds: 1000 }), 'token-1');
  clock.advance(200_000);
  await assert.rejects(m.token(pod, { expirationSeconds: 1000 }), /failed to fetch token: connection refused/);
  m.forget('uid-1');
  assert.equal(m.nextRefresh('uid-1'), undefined);
});

test('the projected volume holds the tokens next to the other sources, and the new token after a refresh', async () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-sa-vol-'));
  try {
    const clock = new FakeClock();
    const src = counter(clock);
    const vm = new VolumeManager({
      rootDir: root, allocatable: () => ({}), tokens: src, clock,
      sources: { configMap: async () => null, secret: async () => null },
    });
    const paths = await vm.setup(pod, { hostIP: '10.0.0.1' });
    const dir = paths.get('kube-api-access-abcde')!;
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 'token-1');
    assert.equal(readFileSync(join(dir, 'vault-token'), 'utf8'), 'token-2');
    assert.equal(readFileSync(join(dir, 'namespace'), 'utf8'), 'ns');
    clock.advance(481_000); // past 80 % of the 600 s token, not of the 3607 s one
    await vm.setup(pod, { hostIP: '10.0.0.1' });
    assert.equal(readFileSync(join(dir, 'token'), 'utf8'), 'token-1');
    assert.equal(readFileSync(join(dir, 'vault-token'), 'utf8'), 'token-3');
    await vm.teardown('uid-1');
    assert.equal(vm.nextTokenRefresh('uid-1'), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
