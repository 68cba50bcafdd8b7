// Images without a registry: the demo images built from Debian's static busybox, and importing
// OCI / Docker image archives into a node's containerd (the air-gapped images directory, and
// `k8ts images import`). The build is reproducible: the same busybox gives the same digests, so
// a cached archive is reused as long as the busybox binary has not changed.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const gzipAsync = promisify(gzip);
import { gzip } from 'node:zlib';

const run = promisify(execFile);

export const DEMO_BUSYBOX_IMAGE = 'k8ts.local/busybox:1';
export const DEMO_PAUSE_IMAGE = 'k8ts.local/pause:1';
export const DEMO_ARCHIVE_NAME = 'k8ts-demo-images.tar';

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
// GNU tar flags that make an archive depend only on the files' names, contents and modes.
const REPRO_TAR = ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '--format=gnu'];

const MT = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

interface Blob { digest: string; size: number; data: Buffer }
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const blob = (data: Buffer): Blob => ({ digest: `sha256:${sha256(data)}`, size: data.length, data });

function ociArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[process.arch] ?? process.arch;
}

export interface BuildDemoOptions {
  /** Where the archive is kept between runs. */
  outDir: string;
  /** The static busybox to package; default Debian's busybox-static. */
  busybox?: string;
}

/**
 * Builds (or reuses) one OCI layout archive holding both demo images:
 * `k8ts.local/busybox:1` (Cmd sh) and `k8ts.local/pause:1` (sleep infinity, the sandbox image).
 * Returns the archive's path.
 */
/** Where nodes keep the built demo images: one machine-wide cache (the archive depends only on the
 *  busybox binary, checked by its hash), so only the first node start on a machine builds it, as a
 *  package-installed k3s finds its images ready. Without a writable /var/cache: the node's data dir. */
export const SHARED_DEMO_IMAGE_CACHE = '/var/cache/k8ts/images';

export async function demoImageCacheDir(dataDir: string): Promise<string> {
  try {
    await mkdir(SHARED_DEMO_IMAGE_CACHE, { recursive: true });
    await access(SHARED_DEMO_IMAGE_CACHE, fsConstants.W_OK);
    return SHARED_DEMO_IMAGE_CACHE;
  } catch {
    return join(dataDir, 'image-cache');
  }
}

/** The demo images archive of a node with this data dir, built into its cache when not there yet. */
export async function demoImagesFor(dataDir: string): Promise<string> {
  return buildDemoImages({ outDir: await demoImageCacheDir(dataDir) });
}

export async function buildDemoImages(opts: BuildDemoOptions): Promise<string> {
  const busybox = opts.busybox ?? '/bin/busybox';
  const bin = await readFile(busybox).catch(() => {
    throw new Error(`${busybox} not found: install Debian's busybox-static (scripts/setup.sh does)`);
  });
  const out = join(opts.outDir, DEMO_ARCHIVE_NAME);
  const stampFile = `${out}.source-sha256`;
  const want = sha256(bin);
  if ((await readFile(stampFile, 'utf8').catch(() => '')) === want && (await exists(out))) return out;

  await mkdir(opts.outDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'k8ts-image-build-'));
  try {
    const rootfs = join(work, 'rootfs');
    await buildRootfs(rootfs, busybox);
    const layerTar = join(work, 'layer.tar');
    await run('tar', [...REPRO_TAR, '-C', rootfs, '-cf', layerTar, '.']);
    const uncompressed = await readFile(layerTar);
    // Node's gzip writes no name and mtime 0 in its header (as gzip -n), so bytes are stable. On the
    // thread pool: a cold `k8ts server` start builds this while its event loop starts the control plane.
    const layer = blob(await gzipAsync(uncompressed, { level: 9 }));
    const diffId = `sha256:${sha256(uncompressed)}`;

    const images = [
      { name: DEMO_BUSYBOX_IMAGE, config: { Env: [PATH_ENV], Cmd: ['sh'], WorkingDir: '/' } },
      { name: DEMO_PAUSE_IMAGE, config: { Env: [PATH_ENV], Entrypoint: ['sleep', 'infinity'], WorkingDir: '/' } },
    ];
    const blobs: Blob[] = [layer];
    const manifests: object[] = [];
    for (const img of images) {
      const config = blob(Buffer.from(JSON.stringify({
        architecture: ociArch(),
        os: 'linux',
        created: '1970-01-01T00:00:00Z',
        config: img.config,
        // diff_ids name the UNCOMPRESSED layer; the blob digest names the gzip. A mismatch fails import.
        rootfs: { type: 'layers', diff_ids: [diffId] },
      })));
      const manifest = blob(Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: MT.manifest,
        config: { mediaType: MT.config, digest: config.digest, size: config.size },
        layers: [{ mediaType: MT.layer, digest: layer.digest, size: layer.size }],
      })));
      blobs.push(config, manifest);
      manifests.push({
        mediaType: MT.manifest, digest: manifest.digest, size: manifest.size,
        platform: { architecture: ociArch(), os: 'linux' },
        // Without a name annotation `ctr images import` silently imports nothing.
        annotations: { 'io.containerd.image.name': img.name },
      });
    }

    const layout = join(work, 'layout');
    await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
    for (const b of blobs) await writeFile(join(layout, 'blobs', 'sha256', b.digest.slice('sha256:'.length)), b.data);
    const tmpOut = `${out}.tmp-${process.pid}`;
    await run('tar', [...REPRO_TAR, '-C', layout, '-cf', tmpOut, 'oci-layout', 'index.json', 'blobs']);
    await rename(tmpOut, out); // atomic: a concurrent reader sees the old or the new archive
    await writeFile(stampFile, want);
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** /bin/busybox and a symlink per applet, /etc/passwd and /etc/group, /tmp (1777). */
async function buildRootfs(rootfs: string, busybox: string): Promise<void> {
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'root', 'tmp', 'proc', 'sys', 'dev']) {
    await mkdir(join(rootfs, d), { recursive: true });
  }
  await copyFile(busybox, join(rootfs, 'bin/busybox'));
  await chmod(join(rootfs, 'bin/busybox'), 0o755);
  const { stdout } = await run(busybox, ['--list-full']);
  // Hundreds of applet links, made side by side rather than one thread-pool round trip after another.
  await Promise.all(stdout.split('\n').map((s) => s.trim()).filter((rel) => rel && rel !== 'bin/busybox').map((rel) =>
    symlink('/bin/busybox', join(rootfs, rel)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    })));
  await writeFile(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  await writeFile(join(rootfs, 'etc/group'), 'root:x:0:\nnobody:x:65534:\n');
  // Modes are set explicitly so the layer does not depend on the builder's umask.
  for (const d of ['', 'bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev']) await chmod(join(rootfs, d), 0o755);
  await chmod(join(rootfs, 'root'), 0o700);
  await chmod(join(rootfs, 'etc/passwd'), 0o644);
  await chmod(join(rootfs, 'etc/group'), 0o644);
  await chmod(join(rootfs, 'tmp'), 0o1777);
}

/** Imports an OCI or Docker image archive into the node's containerd, namespace k8s.io (the one
 *  CRI sees), unpacked for the overlayfs snapshotter. Returns the names ctr reported. */
export async function importImageArchive(socket: string, file: string, opts: { ctr?: string; timeoutMs?: number } = {}): Promise<string[]> {
  try {
    const { stdout } = await run(opts.ctr ?? 'ctr', ['-a', socket, '-n', 'k8s.io', 'images', 'import', '--snapshotter', 'overlayfs', file], {
      timeout: opts.timeoutMs ?? 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    // ctr prints "unpacking NAME (sha256:...)...done" per image.
    const names = [...stdout.matchAll(/unpacking (\S+) \(/g)].map((m) => m[1]!);
    return names;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`importing ${file} failed: ${(e.stderr || e.message).trim()}`);
  }
}

const ARCHIVE = /\.(tar|tar\.gz|tgz)$/;

/** Imports every image archive in dir (k3s's air-gapped images directory), in name order.
 *  A missing directory is not an error: most nodes have none. */
export async function importImagesDir(socket: string, dir: string): Promise<{ file: string; images: string[] }[]> {
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const done: { file: string; images: string[] }[] = [];
  for (const name of entries.filter((n) => ARCHIVE.test(n)).sort()) {
    const file = join(dir, name);
    done.push({ file, images: await importImageArchive(socket, file) });
  }
  return done;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}
