import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../api/resource.js';
import { FakeClock } from '../../machinery/clock.js';
import { ApiError } from '../../machinery/errors.js';
import { createServiceAccountTokens, TokenError, DEFAULT_ISSUER, EXTRA_POD_NAME, EXTRA_CREDENTIAL_ID, type ServiceAccountTokens } from './tokens.js';
import type { ObjectReader, TokenObjectKind } from './objects.js';
import { decodeJwt } from './jwt.js';
import { generateServiceAccountKey } from './keys.js';

/** Objects by "kind/ns/name": the tokens' view of the cluster, changed by the tests. */
function world(): { objects: ObjectReader; put(kind: TokenObjectKind, o: KubeObject): void; del(kind: TokenObjectKind, ns: string, name: string): void } {
  const m = new Map<string, KubeObject>();
  const key = (k: string, ns: string | undefined, n: string) => `${k}/${ns ?? ''}/${n}`;
  return {
    objects: { get: async (kind, ns, name) => m.get(key(kind, kind === 'nodes' ? undefined : ns, name)) },
    put: (kind, o) => m.set(key(kind, o.metadata.namespace, o.metadata.name!), o),
    del: (kind, ns, name) => m.delete(key(kind, ns || undefined, name)),
  };
}

const sa = { metadata: { name: 'robot', namespace: 'ns1', uid: 'sa-uid-1' } };
const pod = { metadata: { name: 'p1', namespace: 'ns1', uid: 'pod-uid-1' }, spec: { serviceAccountName: 'robot' } };
const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as unknown as IncomingMessage;

function setup(keyType: 'ec' | 'rsa' = 'ec') {
  const clock = new FakeClock(1_700_000_000_000);
  const w = world();
  w.put('serviceaccounts', sa);
  w.put('pods', pod);
  const privateKeyPem = keyType === 'ec'
    ? generateServiceAccountKey().privateKeyPem
    : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const tokens = createServiceAccountTokens({ privateKeyPem, objects: w.objects, clock, audiences: ['https://kubernetes.default.svc.cluster.local', 'k8ts'] });
  return { clock, w, tokens };
}

async function rejects(tokens: ServiceAccountTokens, token: string, message: RegExp, audiences?: string[]) {
  await assert.rejects(tokens.authenticateToken(token, audiences), (e: unknown) => e instanceof TokenError && message.test(e.message));
  await assert.rejects(Promise.resolve(tokens.authenticator.authenticate(req(token))), (e: unknown) => e instanceof ApiError && e.code === 401);
}

for (const kind of ['ec', 'rsa'] as const) {
  test(`a token signed with an ${kind.toUpperCase()} key carries Kubernetes' claims and authenticates as the ServiceAccount`, async () => {
    const { tokens } = setup(kind);
    const t = tokens.issue({ serviceAccount: sa, audiences: ['k8ts'], expirationSeconds: 3600, pod });
    const jwt = decodeJwt(t.token)!;
    assert.equal(jwt.header.alg, kind === 'ec' ? 'ES256' : 'RS256');
    assert.ok(jwt.header.kid);
    const c = jwt.claims as Record<string, any>;
    assert.equal(c.iss, DEFAULT_ISSUER);
    assert.equal(c.sub, 'system:serviceaccount:ns1:robot');
    assert.deepEqual(c.aud, ['k8ts']);
    assert.equal(c.exp - c.iat, 3600);
    assert.equal(c.nbf, c.iat);
    assert.deepEqual(c['kubernetes.io'], { namespace: 'ns1', serviceaccount: { name: 'robot', uid: 'sa-uid-1' }, pod: { name: 'p1', uid: 'pod-uid-1' } });
    assert.equal(t.expirationTimestamp, '2023-11-14T23:13:20Z');
    const user = await tokens.authenticator.authenticate(req(t.token));
    assert.equal(user?.username, 'system:serviceaccount:ns1:robot');
    assert.equal(user?.uid, 'sa-uid-1');
    assert.deepEqual(user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns1']);
    assert.deepEqual(user?.extra?.[EXTRA_POD_NAME], ['p1']);
    assert.deepEqual(user?.extra?.[EXTRA_CREDENTIAL_ID], [`JTI=${c.jti}`]);
  });
}

test('an expired token is refused (after go-jose\'s minute of leeway), a fresh one is not', async () => {
  const { tokens, clock } = setup();
  const t = tokens.issue({ serviceAccount: sa, audiences: ['k8ts'], expirationSeconds: 600 });
  clock.advance(600_000 + 59_000);
  assert.ok(await tokens.authenticateToken(t.token));
  clock.advance(2_000);
  await rejects(tokens, t.token, /^service account token has expired$/);
});

test('a tampered token is refused: changed claims, or a signature from another key', async () => {
  const { tokens } = setup();
  const t = tokens.issue({ serviceAccount: sa, audiences: ['k8ts'], expirationSeconds: 3600 });
  const [h, p, s] = t.token.split('.');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
  claims['kubernetes.io'].serviceaccount.name = 'admin';
  claims.sub = 'system:serviceaccount:ns1:admin';
  await rejects(tokens, `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`, /cryptographic primitive/);
  const other = setup().tokens.issue({ serviceAccount: sa, audiences: ['k8ts'], expirationSeconds: 3600 });
  await rejects(tokens, other.token, /cryptographic primitive/);
  const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.`;
  await rejects(tokens, none, /cryptographic primitive/);
});

test('a token for another audience is refused, with the audiences in the message', async () => {
  const { tokens } = setup();
  const t = tokens.issue({ serviceAccount: sa, audiences: ['vault'], expirationSeconds: 3600 });
  await rejects(tokens, t.token, /^token audiences \["vault"\] is invalid for the target audiences \["https:\/\/kubernetes.default.svc.cluster.local" "k8ts"\]$/);
  const r = await tokens.authenticateToken(t.token, ['vault', 'x']);
  assert.deepEqual(r?.audiences, ['vault'], 'a review naming the audience accepts it');
});

test('deleting the ServiceAccount (or recreating it) revokes its tokens', async () => {
  const { tokens, w } = setup();
  const t = tokens.issue({ serviceAccount: sa, audiences: ['k8ts'], expirationSeconds: 3600 });
  w.put('serviceaccounts', { metadata: { ...sa.metadata, uid: 'sa-uid-2' } });
  await rejects(tokens, t.token, /^service account UID \(sa-uid-2\) does not match claim \(sa-uid-1\)$/);
  w.del('serviceaccounts', 'ns1', 'robot');
  await rejects(tokens, t.token, /^serviceaccounts "robot" not found$/);
});

test('deleting the bound pod revokes a pod-bound token', async () => {
  const { tokens, w } = setup();
  const t = tokens.issue({ serviceAccount: sa, audiences: ['k8ts'], expirationSeconds: 3600, pod });
  assert.ok(await tokens.authenticateToken(t.token));
  w.del('pods', 'ns1', 'p1');
  await rejects(tokens, t.token, /^service account token has been invalidated$/);
});

test('requests without a bearer token, or with a token that is not ours, are left to other authenticators', async () => {
  const { tokens } = setup();
  assert.equal(await tokens.authenticator.authenticate({ headers: {} } as IncomingMessage), null);
  assert.equal(await tokens.authenticator.authenticate(req('static-admin-token')), null);
  const foreign = createServiceAccountTokens({ privateKeyPem: generateServiceAccountKey().privateKeyPem, issuer: 'https://elsewhere', objects: world().objects });
  assert.equal(await tokens.authenticator.authenticate(req(foreign.issue({ serviceAccount: sa, audiences: ['k8ts'], expirationSeconds: 3600 }).token)), null);
});

test('tokens signed by an old key still verify while its public key is listed', async () => {
  const old = generateServiceAccountKey();
  const w = world();
  w.put('serviceaccounts', sa);
  const before = createServiceAccountTokens({ privateKeyPem: old.privateKeyPem, objects: w.objects });
  const t = before.issue({ serviceAccount: sa, audiences: [DEFAULT_ISSUER], expirationSeconds: 3600 });
  const after = createServiceAccountTokens({ privateKeyPem: generateServiceAccountKey().privateKeyPem, publicKeysPem: [old.publicKeyPem], objects: w.objects });
  assert.equal((await after.authenticateToken(t.token))?.user.username, 'system:serviceaccount:ns1:robot');
});
