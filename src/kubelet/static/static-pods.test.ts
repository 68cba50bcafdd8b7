import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStaticPods, mirrorPod, CONFIG_HASH } from './static-pods.js';
import { MIRROR_ANNOTATION } from '../pods/manager.js';

test('static pods are read from the manifest directory, named <name>-<node> with a stable uid', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-static-'));
  try {
    writeFileSync(join(dir, 'web.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: busybox\n');
    writeFileSync(join(dir, 'bad.yaml'), ': : not yaml [');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const a = readStaticPods(dir, 'node-1');
    assert.equal(a.length, 1);
    const p = a[0];
    assert.equal(p.metadata.name, 'web-node-1');
    assert.equal(p.metadata.namespace, 'default');
    assert.equal(p.spec!.nodeName, 'node-1');
    assert.equal(p.metadata.annotations!['kubernetes.io/config.source'], 'file');
    assert.equal(readStaticPods(dir, 'node-1')[0].metadata.uid, p.metadata.uid, 'same manifest, same uid');
    assert.notEqual(readStaticPods(dir, 'node-2')[0].metadata.uid, p.metadata.uid, 'another node, another uid');
    writeFileSync(join(dir, 'web.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: busybox:2\n');
    assert.notEqual(readStaticPods(dir, 'node-1')[0].metadata.uid, p.metadata.uid, 'an edited manifest is a new pod');
    const m = mirrorPod(p);
    assert.equal(m.metadata.annotations![MIRROR_ANNOTATION], p.metadata.annotations![CONFIG_HASH]);
    assert.equal(m.metadata.uid, undefined);
    assert.equal(m.status, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
