import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { buildDemoImages, DEMO_BUSYBOX_IMAGE, DEMO_PAUSE_IMAGE, importImagesDir } from './images.js';

const run = promisify(execFile);
const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('demo images', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'k8ts-images-test-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('builds the same bytes twice (reproducible), and reuses the cached archive', async () => {
    const a = await buildDemoImages({ outDir: join(dir, 'a') });
    const b = await buildDemoImages({ outDir: join(dir, 'b') });
    assert.deepEqual(await readFile(a), await readFile(b));
    const before = (await stat(a)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await buildDemoImages({ outDir: join(dir, 'a') }), a);
    assert.equal((await stat(a)).mtimeMs, before);
  });

  it('writes an OCI layout whose digests, diff_ids and names containerd accepts', async () => {
    const archive = await buildDemoImages({ outDir: join(dir, 'c') });
    const x = join(dir, 'x');
    await run('mkdir', ['-p', x]);
    await run('tar', ['-xf', archive, '-C', x]);
    const blobOf = (d: string): Promise<Buffer> => readFile(join(x, 'blobs/sha256', d.slice('sha256:'.length)));
    const index = JSON.parse(await readFile(join(x, 'index.json'), 'utf8'));
    assert.deepEqual(JSON.parse(await readFile(join(x, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    const names = index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations['io.containerd.image.name']);
    assert.deepEqual(names, [DEMO_BUSYBOX_IMAGE, DEMO_PAUSE_IMAGE]);
    for (const entry of index.manifests) {
      const mBytes = await blobOf(entry.digest);
      assert.equal(sha(mBytes), entry.digest);
      const manifest = JSON.parse(mBytes.toString());
      const config = JSON.parse((await blobOf(manifest.config.digest)).toString());
      const layer = await blobOf(manifest.layers[0].digest);
      assert.equal(sha(layer), manifest.layers[0].digest);
      // diff_id: digest of the uncompressed layer
      assert.deepEqual(config.rootfs.diff_ids, [sha(gunzipSync(layer))]);
    }
    const pause = JSON.parse((await blobOf(JSON.parse((await blobOf(index.manifests[1].digest)).toString()).config.digest)).toString());
    assert.deepEqual(pause.config.Entrypoint, ['sleep', 'infinity']);
    // The layer holds busybox, its applets as links, passwd and a sticky /tmp.
    const layerFile = join(dir, 'layer.tar');
    const manifest0 = JSON.parse((await blobOf(index.manifests[0].digest)).toString());
    await writeFile(layerFile, gunzipSync(await blobOf(manifest0.layers[0].digest)));
    const listing = (await run('tar', ['-tvf', layerFile], { maxBuffer: 8 << 20 })).stdout;
    assert.match(listing, /^-rwxr-xr-x 0\/0 .* \.\/bin\/busybox$/m);
    assert.match(listing, /^lrwxrwxrwx 0\/0 .* \.\/bin\/sh -> \/bin\/busybox$/m);
    assert.match(listing, /^lrwxrwxrwx 0\/0 .* \.\/usr\/bin\/nc -> \/bin\/busybox$/m);
    assert.match(listing, /^drwxrwxrwt 0\/0 .* \.\/tmp\/$/m);
    assert.match(listing, /\.\/etc\/passwd$/m);
  });

  it('treats a missing images directory as empty', async () => {
    assert.deepEqual(await importImagesDir('/nonexistent.sock', join(dir, 'no-such-dir')), []);
  });
});
