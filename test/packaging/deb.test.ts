// The Debian package end to end: scripts/package.sh builds it; the real dpkg installs it into a
// throw-away root; its files, modes and conffiles are checked; every unit passes
// `systemd-analyze verify`; the control plane runs as three processes started exactly as their
// units' ExecStart lines (with the root's /etc/k8ts files) and, with hollow nodes, schedules a pod
// and fills a ReplicationController; a config error names file, line and key; reinstalling keeps
// edited config and the store; a newer data format is refused; remove keeps config and state,
// purge deletes them. Tests run in order and share one package and root.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPackage, dpkg, freePort, newRoot, readUnit, sh, startUnit, tempDir, waitFor, type Running } from './deb-root.js';

const UNITS = ['k8ts-server', 'k8ts-agent', 'k8ts-apiserver', 'k8ts-controller-manager', 'k8ts-scheduler', 'k8ts-kubelet', 'k8ts-proxy', 'k8ts-dns'].map((u) => `${u}.service`);
const CONFIGS = ['config', 'server', 'agent', 'apiserver', 'controller-manager', 'scheduler', 'kubelet', 'proxy', 'dns'];

let work: string;
let deb: string;
let root: string;
const running: Running[] = [];

before(() => {
  work = tempDir('k8ts-deb-');
  deb = buildPackage(join(work, 'out'));
  root = newRoot(work);
});

after(() => {
  for (const r of running) r.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

const at = (p: string) => join(root, p);
const mode = (p: string) => (statSync(at(p)).mode & 0o7777).toString(8);

test('the package holds k8ts, its production dependencies, the units and the default config files', () => {
  const r = sh('dpkg-deb', ['--info', deb]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Package: k8ts\n/);
  assert.match(r.out, /Depends: nodejs \(>= 20\)/);
  const list = sh('dpkg-deb', ['--contents', deb]).out;
  for (const u of UNITS) assert.match(list, new RegExp(`\\./lib/systemd/system/${u}\\n`));
  assert.match(list, /\.\/usr\/lib\/k8ts\/node_modules\/better-sqlite3\/build\/Release\/better_sqlite3\.node\n/);
  assert.match(list, /\.\/usr\/lib\/k8ts\/node_modules\/yaml\/package\.json\n/);
  // No dev dependencies, no tests, no type declarations.
  assert.doesNotMatch(list, /node_modules\/typescript\//);
  assert.doesNotMatch(list, /node_modules\/@kubernetes\/client-node\//);
  assert.doesNotMatch(list, /\.test\.js\n/);
  assert.doesNotMatch(list, /\.d\.ts\n/);
});

test('dpkg installs it into a throw-away root: files, modes, conffiles, state directories', () => {
  const r = dpkg(root, ['-i', deb]);
  assert.equal(r.code, 0, r.err + r.out);
  assert.equal(readlinkSync(at('usr/bin/k8ts')), '../lib/k8ts/dist/src/cmd/k8ts.js');
  assert.equal(mode('usr/lib/k8ts/dist/src/cmd/k8ts.js'), '755');
  for (const u of UNITS) assert.equal(mode(`lib/systemd/system/${u}`), '644');
  for (const c of CONFIGS) assert.equal(mode(`etc/k8ts/${c}`), c === 'agent' ? '600' : '644', `/etc/k8ts/${c}`);
  assert.equal(mode('var/lib/k8ts'), '700');
  assert.equal(statSync(at('etc/k8ts/config')).uid, 0);
  const q = sh('dpkg-query', [`--admindir=${at('var/lib/dpkg')}`, '-W', '-f=${Status}\n${Conffiles}\n', 'k8ts']);
  assert.equal(q.code, 0, q.err);
  assert.match(q.out, /^install ok installed\n/);
  const conffiles = q.out.split('\n').slice(1).filter(Boolean).map((l) => l.trim().split(' ')[0]).sort();
  assert.deepEqual(conffiles, ['/etc/default/k8ts', ...CONFIGS.map((c) => `/etc/k8ts/${c}`)].sort());
  // The installed k8ts runs (from the root, with its own node_modules) and its help is generated.
  const help = sh(at('usr/bin/k8ts'), ['apiserver', '--help'], { env: { ...process.env, K8TS_CONFIG_DIR: at('etc/k8ts') } });
  assert.equal(help.code, 0, help.err);
  assert.match(help.out, /--store SPEC/);
  assert.match(help.out, /\/etc\/k8ts\/apiserver/);
});

test('every unit passes systemd-analyze verify, restarts, logs to the journal and stops cleanly', () => {
  // verify resolves dependencies (sysinit.target, ...) in the root: give it the host's units.
  const sys = at('lib/systemd/system');
  for (const f of readdirSync('/lib/systemd/system')) {
    if (!existsSync(join(sys, f))) cpSync(join('/lib/systemd/system', f), join(sys, f), { recursive: true, verbatimSymlinks: true });
  }
  const r = sh('systemd-analyze', ['verify', `--root=${root}`, ...UNITS.map((u) => join(sys, u))]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err.trim(), '', 'systemd-analyze printed warnings');
  for (const u of UNITS) {
    const unit = readUnit(join(sys, u));
    const component = u.replace(/^k8ts-|\.service$/g, '');
    assert.deepEqual(unit.exec.argv, ['/usr/bin/k8ts', component], u);
    assert.deepEqual(unit.get('Restart'), ['always'], u);
    assert.deepEqual(unit.get('StandardError'), ['journal'], u);
    assert.deepEqual(unit.get('SyslogIdentifier'), [`k8ts-${component}`], u);
    assert.equal(unit.get('KillMode').length, 1, `${u} says how it stops`);
    assert.ok(unit.get('After')[0]!.includes('network-online.target'), u);
  }
  // The kubelet runs its own containerd (a child): only the kubelet is signalled, pods survive.
  assert.deepEqual(readUnit(join(sys, 'k8ts-kubelet.service')).get('KillMode'), ['process']);
  assert.match(readUnit(join(sys, 'k8ts-kubelet.service')).get('After')[0]!, /containerd\.service/);
  assert.match(readUnit(join(sys, 'k8ts-server.service')).get('Conflicts')[0]!, /k8ts-apiserver\.service/);
});

async function api(base: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json().catch(() => null) };
}

function start(unit: string, extra: string[] = []): Running {
  const r = startUnit(root, unit, extra);
  running.push(r);
  return r;
}

let base: string;
test('the control plane runs as its units would, from the /etc/k8ts files: a pod is scheduled and an RC makes its pods', async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const dataDir = at('var/lib/k8ts/server');
  // An operator's edits: the shared file names the kubeconfig every client uses; each component's
  // file holds its own settings.
  writeFileSync(at('etc/k8ts/config'), `${readFileSync(at('etc/k8ts/config'), 'utf8')}\nKUBECONFIG="${dataDir}/admin.kubeconfig"\n`);
  writeFileSync(at('etc/k8ts/apiserver'), `${readFileSync(at('etc/k8ts/apiserver'), 'utf8')}\nDATA_DIR="${dataDir}"\nPORT="${port}"\nV=2\n`);
  writeFileSync(at('etc/k8ts/scheduler'), `${readFileSync(at('etc/k8ts/scheduler'), 'utf8')}\nMETRICS_PORT=0\n`);
  writeFileSync(at('etc/k8ts/controller-manager'), `${readFileSync(at('etc/k8ts/controller-manager'), 'utf8')}\nLEADER_ELECT=false\nCONTROLLERS="*"\n`);

  const apiserver = start('k8ts-apiserver.service');
  await waitFor(() => `apiserver not serving: ${apiserver.err}`, async () => apiserver.running && (await api(base, '/api/v1/namespaces/default')).status === 200);
  assert.ok(existsSync(join(dataDir, 'store.db')), 'the store is where /etc/k8ts/apiserver put it');
  assert.ok(existsSync(join(dataDir, 'k8ts-data-format.json')), 'the data dir carries its format marker');
  const cm = start('k8ts-controller-manager.service');
  const sched = start('k8ts-scheduler.service');
  // Hollow nodes stand in for kubelets (no containerd in a throw-away root); same kubeconfig.
  const hollow = spawn(at('usr/bin/k8ts'), ['hollow-nodes', '--count', '2', '--name-prefix', 'deb-'], { env: { ...process.env, K8TS_CONFIG_DIR: at('etc/k8ts') }, stdio: ['ignore', 'ignore', 'pipe'] });
  let hollowErr = '';
  hollow.stderr.on('data', (c: Buffer) => { hollowErr += c.toString(); });
  const hollowExit = new Promise((r) => hollow.on('exit', r));
  try {
    await waitFor(() => `hollow nodes not Ready: ${hollowErr}`, async () => {
      const list = (await api(base, '/api/v1/nodes')).json;
      return list.items.filter((n: any) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True')).length === 2;
    });
    const pod = await api(base, '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo' }, spec: { containers: [{ name: 'c', image: 'k8ts.local/busybox:1' }] } });
    assert.equal(pod.status, 201, JSON.stringify(pod.json));
    await waitFor(() => `pod solo not scheduled: ${sched.err}`, async () => (await api(base, '/api/v1/namespaces/default/pods/solo')).json.spec?.nodeName);
    const rc = await api(base, '/api/v1/namespaces/default/replicationcontrollers', {
      apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web' },
      spec: { replicas: 3, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'k8ts.local/busybox:1' }] } } },
    });
    assert.equal(rc.status, 201, JSON.stringify(rc.json));
    await waitFor(() => `RC pods not all scheduled: ${cm.err.slice(-2000)}`, async () => {
      const pods = (await api(base, '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb')).json.items;
      return pods.length === 3 && pods.every((p: any) => p.spec.nodeName?.startsWith('deb-'));
    });
  } finally {
    if (hollow.exitCode === null) hollow.kill('SIGTERM');
    await Promise.race([hollowExit, new Promise((r) => setTimeout(r, 10_000))]);
    if (hollow.exitCode === null) hollow.kill('SIGKILL');
  }
  // Logs: one JSON object per line on stderr, with level and component; V=2 in the file applied.
  const lines = apiserver.err.trim().split('\n').filter(Boolean);
  assert.ok(lines.length > 0);
  for (const l of lines) assert.doesNotThrow(() => JSON.parse(l), `not one JSON object: ${l}`);
  assert.ok(lines.some((l) => JSON.parse(l).msg === 'config files applied'), 'V=2 from /etc/k8ts/apiserver turned on V(1) logs');
  // systemctl stop: SIGTERM, and each exits 0 in time.
  for (const r of [sched, cm, apiserver]) assert.equal(await r.stop(), 0, `${r.name} did not stop cleanly: ${r.err.slice(-1000)}`);
});

test('a config error stops the component with file, line and key', async () => {
  const file = at('etc/k8ts/scheduler');
  const good = readFileSync(file, 'utf8');
  try {
    writeFileSync(file, `# edited\nMETRICS_PORT="ten"\n`);
    const r = start('k8ts-scheduler.service');
    assert.equal(await Promise.race([r.exited, new Promise((res) => setTimeout(() => res('timeout'), 15_000))]), 1);
    assert.match(r.err, new RegExp(`${file}:2: METRICS_PORT: bad value: "ten" is not an integer`));
    writeFileSync(file, `LEADER_ELECTION=true\n`);
    const r2 = start('k8ts-scheduler.service');
    assert.equal(await Promise.race([r2.exited, new Promise((res) => setTimeout(() => res('timeout'), 15_000))]), 1);
    assert.match(r2.err, new RegExp(`${file}:1: LEADER_ELECTION: unknown key for k8ts scheduler`));
  } finally {
    writeFileSync(file, good);
  }
});

test('reinstalling (an upgrade) keeps edited config files and the store', async () => {
  const edited = readFileSync(at('etc/k8ts/apiserver'), 'utf8');
  const store = statSync(at('var/lib/k8ts/server/store.db')).size;
  const r = dpkg(root, ['-i', deb]);
  assert.equal(r.code, 0, r.err + r.out);
  assert.equal(readFileSync(at('etc/k8ts/apiserver'), 'utf8'), edited);
  assert.ok(statSync(at('var/lib/k8ts/server/store.db')).size >= store);
  // The upgraded apiserver opens the same store: the objects are still there.
  const apiserver = start('k8ts-apiserver.service');
  try {
    const pod = await waitFor(() => `apiserver not serving after upgrade: ${apiserver.err}`, async () => (await api(base, '/api/v1/namespaces/default/pods/solo')).json?.metadata?.name);
    assert.equal(pod, 'solo');
  } finally {
    assert.equal(await apiserver.stop(), 0, apiserver.err);
  }
});

test('a data dir written by a newer k8ts is refused at start, never reset', async () => {
  const marker = at('var/lib/k8ts/server/k8ts-data-format.json');
  const current = readFileSync(marker, 'utf8');
  try {
    writeFileSync(marker, JSON.stringify({ format: 99, writtenBy: 'k8ts 9.9.9' }));
    const r = start('k8ts-apiserver.service');
    assert.equal(await Promise.race([r.exited, new Promise((res) => setTimeout(() => res('timeout'), 15_000))]), 1);
    assert.match(r.err, /holds data format 99, written by k8ts 9\.9\.9; this k8ts [^ ]+ reads format 1 at most/);
    assert.equal(readFileSync(marker, 'utf8'), JSON.stringify({ format: 99, writtenBy: 'k8ts 9.9.9' }));
  } finally {
    writeFileSync(marker, current);
  }
});

test('prerm stops running services (and postinst starts them again after an upgrade)', () => {
  // systemd is not running here: prerm/postinst run in a private mount namespace where
  // /run/systemd/system exists, against a systemctl that records its calls and reports two units
  // active. The scripts are the installed ones.
  const fake = join(work, 'fake-bin');
  const log = join(work, 'systemctl.log');
  sh('mkdir', ['-p', fake]);
  writeFileSync(join(fake, 'systemctl'), `#!/bin/sh\necho "$*" >> ${log}\ncase "$*" in "is-active --quiet k8ts-apiserver.service"|"is-active --quiet k8ts-scheduler.service") exit 0;; is-active*) exit 3;; esac\nexit 0\n`);
  chmodSync(join(fake, 'systemctl'), 0o755);
  const info = at('var/lib/dpkg/info');
  const script = `mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/system && export PATH=${fake}:$PATH &&
    sh ${info}/k8ts.prerm upgrade 0.1.0 && sh ${info}/k8ts.postinst configure 0.1.0 && echo --- >> ${log} && sh ${info}/k8ts.prerm remove`;
  const r = sh('unshare', ['-m', 'sh', '-c', script]);
  assert.equal(r.code, 0, r.err);
  const calls = readFileSync(log, 'utf8').split('\n');
  const [upgrade, remove] = [calls.slice(0, calls.indexOf('---')), calls.slice(calls.indexOf('---') + 1)];
  assert.deepEqual(upgrade.filter((c) => /^(stop|start) /.test(c)), ['stop k8ts-scheduler.service', 'stop k8ts-apiserver.service', 'start k8ts-scheduler.service', 'start k8ts-apiserver.service']);
  assert.ok(upgrade.includes('daemon-reload'));
  assert.deepEqual(remove.filter((c) => /^stop /.test(c)), ['stop k8ts-scheduler.service', 'stop k8ts-apiserver.service']);
  assert.ok(remove.some((c) => c.startsWith('disable k8ts-server.service')), 'remove disables the units');
});

test('remove keeps config and state; purge deletes them', () => {
  let r = dpkg(root, ['-r', 'k8ts']);
  assert.equal(r.code, 0, r.err + r.out);
  assert.equal(existsSync(at('usr/lib/k8ts/dist')), false);
  assert.throws(() => lstatSync(at('usr/bin/k8ts')));
  assert.equal(existsSync(at('lib/systemd/system/k8ts-apiserver.service')), false);
  assert.ok(existsSync(at('etc/k8ts/apiserver')));
  assert.ok(existsSync(at('var/lib/k8ts/server/store.db')));
  r = dpkg(root, ['-P', 'k8ts']);
  assert.equal(r.code, 0, r.err + r.out);
  assert.equal(existsSync(at('etc/k8ts')), false);
  assert.equal(existsSync(at('etc/default/k8ts')), false);
  assert.equal(existsSync(at('var/lib/k8ts')), false);
  assert.equal(existsSync(at('var/lib/k8ts-agent')), false);
});
