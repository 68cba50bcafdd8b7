// `k8ts install server|agent` into a throw-away root: the same setup as the package, without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, sh, tempDir } from './deb-root.js';

const k8ts = join(REPO, 'dist/src/cmd/k8ts.js');

function withRoot(fn: (root: string) => void): void {
  const dir = tempDir('k8ts-install-');
  try { fn(join(dir, 'root')); } finally { rmSync(dir, { recursive: true, force: true }); }
}

test('install server writes the command, the unit, the config files and the state dir', () => withRoot((root) => {
  const r = sh(process.execPath, [k8ts, 'install', 'server', '--root', root, '--set', 'PORT=7443', '--set', 'DISABLE_AGENT=true']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /k8ts server installed under .*systemctl daemon-reload && systemctl enable --now k8ts-server\.service/);
  assert.equal(readlinkSync(join(root, 'usr/local/bin/k8ts')), k8ts);
  const unit = readFileSync(join(root, 'etc/systemd/system/k8ts-server.service'), 'utf8');
  assert.match(unit, /^ExecStart=\/usr\/local\/bin\/k8ts server$/m);
  // Apart from where k8ts lives, the unit is the package's.
  const packaged = readFileSync(join(REPO, 'packaging/systemd/k8ts-server.service'), 'utf8');
  const strip = (t: string) => t.split('\n').filter((l) => !/^(ExecStart|Documentation)=/.test(l)).join('\n');
  assert.equal(strip(unit), strip(packaged));
  assert.equal(statSync(join(root, 'etc/k8ts/config')).mode & 0o777, 0o644);
  assert.equal(statSync(join(root, 'var/lib/k8ts')).mode & 0o777, 0o700);
  const server = readFileSync(join(root, 'etc/k8ts/server'), 'utf8');
  assert.match(server, /^#PORT="6443"\nPORT="7443"$/m);
  assert.match(server, /^DISABLE_AGENT="true"$/m);
  // The installed command reads that file: the setting shows up as the flag it stands for.
  const help = sh(join(root, 'usr/local/bin/k8ts'), ['server', '--help'], { env: { ...process.env, K8TS_CONFIG_DIR: join(root, 'etc/k8ts') } });
  assert.equal(help.code, 0, help.err);
  assert.match(help.out, /usage: k8ts server/);
}));

test('installing again keeps edited config files and replaces the unit', () => withRoot((root) => {
  assert.equal(sh(process.execPath, [k8ts, 'install', 'agent', '--root', root, '--set', 'SERVER=http://10.0.0.1:6443', '--set', 'TOKEN=s3cret']).code, 0);
  const agent = join(root, 'etc/k8ts/agent');
  assert.equal(statSync(agent).mode & 0o777, 0o600, 'the join token is readable by root only');
  writeFileSync(agent, `${readFileSync(agent, 'utf8')}NODE_NAME="edited"\n`);
  writeFileSync(join(root, 'etc/systemd/system/k8ts-agent.service'), 'stale');
  const r = sh(process.execPath, [k8ts, 'install', 'agent', '--root', root]);
  assert.equal(r.code, 0, r.err);
  assert.match(readFileSync(agent, 'utf8'), /^NODE_NAME="edited"$/m);
  assert.match(readFileSync(agent, 'utf8'), /^TOKEN="s3cret"$/m);
  assert.match(readFileSync(join(root, 'etc/systemd/system/k8ts-agent.service'), 'utf8'), /^ExecStart=\/usr\/local\/bin\/k8ts agent$/m);
  const log = JSON.parse(r.err.trim().split('\n').pop()!);
  assert.deepEqual([log.level, log.component, log.msg, log.created], ['info', 'install', 'installed', []]);
  assert.deepEqual(log.kept, ['/etc/k8ts/config', '/etc/k8ts/agent', '/etc/default/k8ts']);
}));

test('install refuses an unknown role, an unknown key and a bad value', () => withRoot((root) => {
  let r = sh(process.execPath, [k8ts, 'install', 'apiserver', '--root', root]);
  assert.equal(r.code, 1);
  assert.match(r.err, /k8ts install needs a role, server or agent/);
  r = sh(process.execPath, [k8ts, 'install', 'server', '--root', root, '--set', 'PROT=1']);
  assert.match(r.err, /--set PROT=1: unknown key for k8ts server; known keys: V, DATA_DIR/);
  r = sh(process.execPath, [k8ts, 'install', 'server', '--root', root, '--set', 'PORT=http']);
  assert.match(r.err, /--set PORT=http: "http" is not an integer/);
}));
