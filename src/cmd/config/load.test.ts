import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPONENTS } from './index.js';
import { ConfigError } from './env-file.js';
import { loadConfig } from './load.js';

function withDir(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-config-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const env = (dir: string) => ({ K8TS_CONFIG_DIR: dir });

test('shared then component file then command line: later wins, through the component\'s own flags', () => withDir({
  config: 'KUBECONFIG="/etc/k8ts/admin.kubeconfig"\nNODE_NAME=ignored-by-scheduler\nV=1\n',
  scheduler: '# ours\nLEADER_ELECT="yes"\nMETRICS_PORT=0\nV="3"\n',
}, (dir) => {
  const got = loadConfig(COMPONENTS.scheduler!, ['--metrics-port', '9999', '--v=5'], { env: env(dir) });
  assert.deepEqual(got.args, ['--kubeconfig=/etc/k8ts/admin.kubeconfig', '--leader-elect=true', '--metrics-port=0', '--metrics-port', '9999']);
  assert.equal(got.verbosity, 5);
  assert.deepEqual(got.files, [join(dir, 'config'), join(dir, 'scheduler')]);
}));

test('verbosity comes from the files when the command line has none; --config-dir and --help are taken out', () => withDir({ apiserver: 'V=2\n' }, (dir) => {
  const got = loadConfig(COMPONENTS.apiserver!, ['--config-dir', dir, '--port=1', '-h'], { env: {} });
  assert.equal(got.verbosity, 2);
  assert.equal(got.help, true);
  assert.deepEqual(got.args, ['--port=1']);
}));

test('an unknown key names file, line and key and lists the known keys', () => withDir({ apiserver: 'PORT=6443\n\nBIND_ADDRES="0.0.0.0"\n' }, (dir) => {
  assert.throws(() => loadConfig(COMPONENTS.apiserver!, [], { env: env(dir) }), (e: unknown) => e instanceof ConfigError
    && e.file === join(dir, 'apiserver') && e.line === 3 && e.key === 'BIND_ADDRES'
    && e.message.startsWith(`${join(dir, 'apiserver')}:3: BIND_ADDRES: unknown key for k8ts apiserver; known keys: V, STORE, BIND_ADDRESS, PORT, `));
}));

test('a bad value names file, line and key and says what was expected', () => withDir({ 'controller-manager': 'LEADER_ELECT_LEASE_DURATION="15 seconds"\n' }, (dir) => {
  assert.throws(() => loadConfig(COMPONENTS['controller-manager']!, [], { env: env(dir) }),
    { message: `${join(dir, 'controller-manager')}:1: LEADER_ELECT_LEASE_DURATION: bad value: "15 seconds" is not a duration (like 10s, 1m30s, 500ms)` });
}));

test('bad values of every kind are refused', () => {
  const cases: [string, string, string][] = [
    ['apiserver', 'PORT=70000', '70000 is not a port number (0-65535)'],
    ['apiserver', 'BIND_ADDRESS=localhost', '"localhost" is not an IP address'],
    ['apiserver', 'DATA_DIR=var/lib', '"var/lib" is not an absolute path'],
    ['kubelet', 'POD_CIDR=10.244.0.0/33', '"10.244.0.0/33" is not a CIDR (like 10.244.0.0/16)'],
    ['scheduler', 'LEADER_ELECT=maybe', '"maybe" is not a boolean (true or false)'],
    ['agent', 'NETWORK_BACKEND=udp', '"udp" is not one of host-gw, vxlan'],
    ['hollow-nodes', 'COUNT=1.5', '"1.5" is not an integer'],
  ];
  for (const [c, line, why] of cases) {
    withDir({ [c]: `${line}\n` }, (dir) => {
      assert.throws(() => loadConfig(COMPONENTS[c]!, [], { env: env(dir) }), { message: `${join(dir, c)}:1: ${line.split('=')[0]}: bad value: ${why}` });
    });
  }
});

test('the shared file takes only shared keys, checked against the component that reads them', () => {
  withDir({ config: 'PORT=1\n' }, (dir) => {
    assert.throws(() => loadConfig(COMPONENTS.apiserver!, [], { env: env(dir) }), /config:1: PORT: unknown key; the shared file takes V, KUBECONFIG/);
  });
  withDir({ config: 'V=0\nCLUSTER_CIDR=10.0.0.0/99\n' }, (dir) => {
    assert.throws(() => loadConfig(COMPONENTS['controller-manager']!, [], { env: env(dir) }), /config:2: CLUSTER_CIDR: bad value/);
  });
});

test('actions are command-line only; switches become presence flags; empty values keep defaults', () => withDir({ server: 'DISABLE_AGENT=true\nNO_USER_KUBECONFIG=false\nPORT=""\n' }, (dir) => {
  assert.deepEqual(loadConfig(COMPONENTS.server!, [], { env: env(dir) }).args, ['--disable-agent']);
  writeFileSync(join(dir, 'server'), 'RESET=true\n');
  assert.throws(() => loadConfig(COMPONENTS.server!, [], { env: env(dir) }), /server:1: RESET: --reset is an action, only accepted on the command line/);
}));

test('missing files are fine; an explicit config dir must exist; --v must be a count', () => withDir({}, (dir) => {
  const got = loadConfig(COMPONENTS.proxy!, ['--cleanup'], { env: env(dir) });
  assert.deepEqual([got.args, got.files, got.verbosity], [['--cleanup'], [], 0]);
  assert.throws(() => loadConfig(COMPONENTS.proxy!, ['--config-dir=/nonexistent/k8ts'], { env: {} }), /config directory \/nonexistent\/k8ts does not exist \(from --config-dir\)/);
  assert.throws(() => loadConfig(COMPONENTS.proxy!, ['--v=-1'], { env: env(dir) }), { message: 'invalid value for --v: -1 is negative' });
  assert.throws(() => loadConfig(COMPONENTS.proxy!, ['--v=loud'], { env: env(dir) }), { message: 'invalid value for --v: "loud" is not an integer' });
}));

test('a repeatable flag takes a comma-separated list from a file, one flag per item', () => withDir({ server: 'TLS_SAN="k8ts.example, 10.0.0.1"\n' }, (dir) => {
  assert.deepEqual(loadConfig(COMPONENTS.server!, [], { env: env(dir) }).args, ['--tls-san=k8ts.example', '--tls-san=10.0.0.1']);
}));
