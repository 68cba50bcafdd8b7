import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import type { ConfigMap } from '../../api/core/v1/configmaps.js';
import type { Secret } from '../../api/core/v1/secrets.js';
import { writeAtomic } from './atomic-writer.js';
import { VolumeManager, systemMounter } from './manager.js';
import { checkHostPath } from './host-path.js';

function withDir(fn: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-vol-'));
    try { await fn(dir); } finally {
      for (const m of systemMounter.mountsUnder(dir).sort((a, b) => b.length - a.length)) await systemMounter.unmount(m).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const files = (o: Record<string, string>, mode = 0o644) => new Map(Object.entries(o).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

test('atomic writer swaps ..data and keeps visible links through it', withDir(async (dir) => {
  assert.equal(await writeAtomic(dir, files({ a: '1', 'sub/b': '2' })), true);
  assert.equal(readlinkSync(join(dir, 'a')), '..data/a');
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '1');
  assert.equal(readFileSync(join(dir, 'sub/b'), 'utf8'), '2');
  const first = readlinkSync(join(dir, '..data'));
  assert.equal(await writeAtomic(dir, files({ a: '1', 'sub/b': '2' })), false, 'unchanged content writes nothing');
  assert.equal(await writeAtomic(dir, files({ a: 'new' })), true);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'new');
  assert.notEqual(readlinkSync(join(dir, '..data')), first);
  assert.equal(existsSync(join(dir, 'sub')), false, 'a removed key disappears');
  assert.equal(existsSync(join(dir, first)), false, 'the old timestamped directory is removed');
  assert.deepEqual(readdirSync(dir).filter((e) => e.startsWith('..') && e !== '..data').length, 1);
  await assert.rejects(writeAtomic(dir, files({ '../x': '1' })));
}));

const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'ns' }, data: { 'app.conf': 'v=1', other: 'o' } };
const sec: Secret = { metadata: { name: 'sec', namespace: 'ns' }, data: { token: Buffer.from('s3cr3t').toString('base64') } };

test('configMap, secret, downwardAPI, projected, emptyDir and hostPath volumes', withDir(async (root) => {
  const objects = { cm: cm as ConfigMap | null, sec };
  const vm = new VolumeManager({ rootDir: root, allocatable: () => ({ cpu: '2' }), sources: { configMap: async (_ns, n) => (n === 'cfg' ? objects.cm : null), secret: async (_ns, n) => (n === 'sec' ? objects.sec : null) } });
  const host = join(root, 'host');
  const pod = {
    metadata: { name: 'p', namespace: 'ns', uid: 'uid1', labels: { app: 'x', tier: 'web' } },
    spec: {
      containers: [{ name: 'c', resources: { limits: { memory: '64Mi' } } }],
      volumes: [
        { name: 'conf', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'etc/app.conf', mode: 0o600 }] } },
        { name: 'all', configMap: { name: 'cfg', defaultMode: 0o400 } },
        { name: 'creds', secret: { secretName: 'sec' } },
        { name: 'missing', secret: { secretName: 'nope', optional: true } },
        { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }] } },
        { name: 'proj', projected: { sources: [{ configMap: { name: 'cfg', items: [{ key: 'other', path: 'o' }] } }, { secret: { name: 'sec' } }, { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
        { name: 'scratch', emptyDir: {} },
        { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
        { name: 'hp', hostPath: { path: host, type: 'DirectoryOrCreate' } },
      ],
    },
  } as unknown as Pod;
  const paths = await vm.setup(pod, { podIP: '10.0.0.1' });
  assert.equal(readFileSync(join(paths.get('conf')!, 'etc/app.conf'), 'utf8'), 'v=1');
  assert.equal(statSync(join(paths.get('conf')!, 'etc/app.conf')).mode & 0o777, 0o600);
  assert.equal(statSync(join(paths.get('all')!, 'other')).mode & 0o777, 0o400);
  assert.equal(readFileSync(join(paths.get('creds')!, 'token'), 'utf8'), 's3cr3t');
  assert.deepEqual(readdirSync(paths.get('missing')!).filter((e) => !e.startsWith('..')), []);
  assert.equal(readFileSync(join(paths.get('info')!, 'labels'), 'utf8'), 'app="x"\ntier="web"');
  assert.equal(readFileSync(join(paths.get('info')!, 'mem'), 'utf8'), '64');
  assert.deepEqual(['name', 'o', 'token'].map((f) => readFileSync(join(paths.get('proj')!, f), 'utf8')), ['p', 'o', 's3cr3t']);
  assert.equal(paths.get('scratch'), join(root, 'pods/uid1/volumes/kubernetes.io~empty-dir/scratch'));
  assert.deepEqual(systemMounter.mountsUnder(vm.podDir('uid1')), [paths.get('mem')], 'medium Memory is a tmpfs mount');
  assert.equal(statSync(host).isDirectory(), true);

  // An updated ConfigMap reaches the files on the next setup.
  objects.cm = { ...cm, data: { 'app.conf': 'v=2', other: 'o' } };
  await vm.setup(pod, { podIP: '10.0.0.1' });
  assert.equal(readFileSync(join(paths.get('conf')!, 'etc/app.conf'), 'utf8'), 'v=2');

  // A required ConfigMap that is missing fails with the kubelet's message.
  objects.cm = null;
  await assert.rejects(vm.setup(pod, {}), /MountVolume.SetUp failed for volume "conf" : configmap "cfg" not found/);

  await vm.teardown('uid1');
  assert.equal(existsSync(vm.podDir('uid1')), false);
  assert.deepEqual(systemMounter.mountsUnder(vm.podDir('uid1')), []);
}));

test('hostPath type checks', withDir((dir) => {
  const f = join(dir, 'file');
  writeFileSync(f, '');
  mkdirSync(join(dir, 'd'));
  assert.throws(() => checkHostPath(f, 'Directory'), new Error(`hostPath type check failed: ${f} is not a directory`));
  assert.throws(() => checkHostPath(join(dir, 'd'), 'File'), /is not a file/);
  assert.throws(() => checkHostPath(join(dir, 'none'), 'File'), /does not exist/);
  checkHostPath(join(dir, 'new'), 'FileOrCreate');
  assert.equal(statSync(join(dir, 'new')).isFile(), true);
  checkHostPath(join(dir, 'whatever'), undefined);
  assert.throws(() => checkHostPath(f, 'Socket'), /is not a socket file/);
}));
