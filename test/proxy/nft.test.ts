// The resident nft (`nft -i`) against the real kernel, in a network namespace this test creates:
// each script is one atomic transaction, failures come back with nft's message, and the process
// is replaced and ended as promised.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { nftRunner, type NftRunner } from '../../src/proxy/nft.js';
import { createNetns, type TestNetns } from './netns.js';

let netns: TestNetns;
let nft: NftRunner;

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

before(async () => {
  netns = await createNetns('k8ts-nft');
  nft = nftRunner({ netns: netns.name, resident: true, recycleAfter: 3, timeoutMs: 10_000 });
});

after(async () => {
  await nft?.close?.();
  await netns?.close();
});

test('a multi-command script is applied through the resident nft as one transaction', async () => {
  await nft.apply('add table ip t\nadd chain ip t c\nadd map ip t m { type ipv4_addr : ipv4_addr ; }\nadd element ip t m { 10.0.0.1 : 10.0.0.2 }\n');
  assert.equal(nft.residentPids!().length, 1);
  const out = await netns.exec('nft', ['list', 'map', 'ip', 't', 'm']);
  assert.match(out, /10\.0\.0\.1 : 10\.0\.0\.2/);
});

test('a failing command aborts its whole script, rejects with nft\'s message, and the next script still works', async () => {
  await assert.rejects(nft.apply('add chain ip t d\nadd rule ip t no-such-chain counter\n'), /Error: Could not process rule: No such file or directory[\s\S]*no-such-chain/);
  const chains = await netns.exec('nft', ['list', 'table', 'ip', 't']);
  assert.ok(!/chain d /.test(chains), 'the chain added before the failure is not there');
  await assert.rejects(nft.apply('this is not nft\n'), /syntax error/);
  await nft.apply('add chain ip t e\n');
  assert.match(await netns.exec('nft', ['list', 'chains', 'ip']), /chain e /);
});

test('the resident nft is replaced after recycleAfter transactions and ended by close', async () => {
  const first = nft.residentPids!()[0]!;
  for (let i = 0; i < 4; i++) await nft.apply(`add element ip t m { 10.0.1.${i} : 10.0.0.2 }\n`);
  const second = nft.residentPids!()[0]!;
  assert.notEqual(second, first);
  const deadline = Date.now() + 5000;
  while (alive(first) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!alive(first), 'the old process exited');
  await nft.close!();
  assert.deepEqual(nft.residentPids!(), []);
  assert.ok(!alive(second), 'close ends the resident process');
  // After close, scripts still apply, one process each.
  await nft.apply('delete table ip t\n');
  assert.ok(!(await netns.exec('nft', ['list', 'tables'])).includes('table ip t'));
});
