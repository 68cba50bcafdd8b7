// Kubernetes' AtomicWriter: a volume's files live in a timestamped directory "..2026_11_26_01_00_00.123",
// "..data" is a symlink to it, and each visible name is a symlink through "..data". An update
// writes a new directory and swaps "..data" with one rename, so a reader sees all old or all new.
// Asynchronous throughout: the kubelet shares its event loop with the API server in `k8ts server`,
// and creating inodes can take milliseconds each on a busy disk; the thread pool waits instead.
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface FileProjection { data: Buffer; mode: number }

const DATA = '..data';
const DATA_TMP = '..data_tmp';

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.`;
}

/** Rejects paths that would leave the volume: absolute, "..", or starting with "..". */
export function validatePath(p: string): void {
  if (!p || p.startsWith('/')) throw new Error(`invalid path ${JSON.stringify(p)}: must be relative`);
  const parts = p.split('/');
  if (parts.some((x) => x === '..')) throw new Error(`invalid path ${JSON.stringify(p)}: must not contain '..'`);
  if (p.startsWith('..')) throw new Error(`invalid path ${JSON.stringify(p)}: must not start with '..'`);
}

async function currentFiles(dir: string): Promise<Map<string, FileProjection> | null> {
  let target: string;
  try { target = await readlink(join(dir, DATA)); } catch { return null; }
  const base = join(dir, target);
  const out = new Map<string, FileProjection>();
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(join(base, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else out.set(r, { data: await readFile(join(base, r)), mode: (await stat(join(base, r))).mode & 0o7777 });
    }
  };
  await walk('');
  return out;
}

function same(a: Map<string, FileProjection>, b: Map<string, FileProjection>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.mode !== v.mode || !w.data.equals(v.data)) return false;
  }
  return true;
}

/** Makes dir hold exactly `files`; resolves false when it already did (nothing written). */
export async function writeAtomic(dir: string, files: Map<string, FileProjection>, now = new Date()): Promise<boolean> {
  for (const p of files.keys()) validatePath(p);
  await mkdir(dir, { recursive: true });
  const cur = await currentFiles(dir);
  if (cur && same(cur, files)) return false;
  const oldTarget = cur ? await readlink(join(dir, DATA)) : null;
  const tsDir = await mkdtemp(join(dir, stamp(now)));
  for (const [p, f] of files) {
    const full = join(tsDir, p);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, f.data);
    await chmod(full, f.mode);
  }
  await chmod(tsDir, 0o755);
  const tsName = tsDir.slice(dir.length + 1);
  await rm(join(dir, DATA_TMP), { force: true });
  await symlink(tsName, join(dir, DATA_TMP));
  await rename(join(dir, DATA_TMP), join(dir, DATA));
  // The visible names: one symlink per top-level entry, through ..data.
  const top = new Set([...files.keys()].map((p) => p.split('/')[0]));
  for (const name of top) {
    const link = join(dir, name!);
    let ok = false;
    try { ok = (await lstat(link)).isSymbolicLink() && (await readlink(link)) === join(DATA, name!); } catch { /* absent */ }
    if (!ok) {
      await rm(link, { recursive: true, force: true });
      await symlink(join(DATA, name!), link);
    }
  }
  for (const e of await readdir(dir)) {
    if (e.startsWith('..') || top.has(e)) continue;
    // A key that went away: its visible link goes too.
    try { if ((await lstat(join(dir, e))).isSymbolicLink()) await unlink(join(dir, e)); } catch { /* raced */ }
  }
  if (oldTarget && oldTarget !== tsName) await rm(join(dir, oldTarget), { recursive: true, force: true });
  return true;
}
