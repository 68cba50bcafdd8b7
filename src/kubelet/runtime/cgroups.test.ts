import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cgroupMounts, listCgroups, removeCgroup } from './cgroups.js';

// Real cgroupfs: in a plain directory rmdir would refuse the kernel's interface files, which on
// cgroupfs vanish with the directory, so only the real thing proves removeCgroup right.
describe('cgroups', () => {
  const parent = `/k8ts-cgtest-${process.pid}`;
  after(async () => { await removeCgroup(parent).catch(() => {}); });

  it('removes a pod parent and its children in every hierarchy', async () => {
    const mounts = await cgroupMounts();
    assert.ok(mounts.length > 0);
    for (const m of mounts) await mkdir(join(m, parent, 'podabc', 'child'), { recursive: true });
    assert.equal((await listCgroups(parent)).length, mounts.length * 3);
    const removed = await removeCgroup(parent);
    assert.equal(removed, mounts.length * 3);
    assert.deepEqual(await listCgroups(parent), []);
    for (const m of mounts) await assert.rejects(stat(join(m, parent)), { code: 'ENOENT' });
    assert.equal(await removeCgroup(parent), 0); // already gone: nothing to do
  });

  it('refuses to remove the root cgroup', async () => {
    await assert.rejects(removeCgroup('/'), /root cgroup/);
  });
});
