// kubectl e2e scenarios for errors: kubectl prints what it prints against Kubernetes, and
// exits 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configMapManifest } from '../manifests.js';
import { ok, type Scenario } from './context.js';

export function errorScenarios(s: Scenario): void {
  const { version, k } = s;

  test(`kubectl ${version}: errors print Kubernetes' NotFound, AlreadyExists and Invalid messages and exit 1`, async () => {
    const nf = await k('get', 'pod', 'nope');
    assert.equal(nf.code, 1);
    assert.equal(nf.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
    // The server answers `configmaps "x" not found`; kubectl then looks the namespace up itself.
    const direct = await s.c.api('GET', '/api/v1/namespaces/nowhere/configmaps/x');
    assert.equal(direct.status, 404);
    assert.equal(direct.json.message, 'configmaps "x" not found');
    const nfNs = await k('get', 'configmaps', '-n', 'nowhere', 'x');
    assert.equal(nfNs.code, 1);
    assert.equal(nfNs.stderr.trim(), 'Error from server (NotFound): namespaces "nowhere" not found');

    const ae = await k('create', 'namespace', 'made');
    assert.equal(ae.code, 1);
    assert.equal(ae.stderr.trim(), 'Error from server (AlreadyExists): namespaces "made" already exists');
    const cmFile = s.c.file('dup.yaml', configMapManifest('made', 'dup', { a: 'b' }));
    ok(await k('create', '-f', cmFile));
    const dup = await k('create', '-f', cmFile);
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr.trim(), `Error from server (AlreadyExists): error when creating "${cmFile}": configmaps "dup" already exists`);

    const one = s.c.file('invalid-one.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  namespace: made\nspec:\n  containers:\n  - name: main\n');
    const inv = await k('create', '-f', one);
    assert.equal(inv.code, 1);
    assert.equal(inv.stderr.trim(), 'The Pod "x" is invalid: spec.containers[0].image: Required value');
    assert.equal(await s.c.stored('/registry/core/pods/made/x'), null, 'nothing is stored');

    const many = s.c.file('invalid-many.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\n  namespace: made\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - name: main\n');
    const inv2 = await k('apply', '-f', many);
    assert.equal(inv2.code, 1);
    const lines = inv2.stderr.trim().split('\n');
    assert.equal(lines[0], 'The Pod "Bad_Name" is invalid: ');
    assert.match(lines[1]!, /^\* metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
    assert.equal(lines[2], '* spec.containers[0].image: Required value');
    assert.equal(lines[3], '* spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"');

    const unknown = await k('get', 'foos');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), 'error: the server doesn\'t have a resource type "foos"');
  });
}
