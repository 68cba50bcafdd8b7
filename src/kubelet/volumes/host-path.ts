// hostPath volumes with their type checks (DirectoryOrCreate, Directory, FileOrCreate, File,
// Socket, CharDevice, BlockDevice), failing with the message the kubelet gives.
import { closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';

const CHECKS: Record<string, [(s: Stats) => boolean, string]> = {
  Directory: [(s) => s.isDirectory(), 'is not a directory'],
  File: [(s) => s.isFile(), 'is not a file'],
  Socket: [(s) => s.isSocket(), 'is not a socket file'],
  CharDevice: [(s) => s.isCharacterDevice(), 'is not a character device'],
  BlockDevice: [(s) => s.isBlockDevice(), 'is not a block device'],
};

export function checkHostPath(path: string, type: string | undefined): void {
  const t = type ?? '';
  if (t === '') return;
  let st: Stats | null = null;
  try { st = statSync(path); } catch { /* absent */ }
  if (t === 'DirectoryOrCreate') {
    if (!st) { mkdirSync(path, { recursive: true, mode: 0o755 }); return; }
    if (!st.isDirectory()) throw new Error(`hostPath type check failed: ${path} is not a directory`);
    return;
  }
  if (t === 'FileOrCreate') {
    if (!st) { closeSync(openSync(path, 'a', 0o644)); return; }
    if (!st.isFile()) throw new Error(`hostPath type check failed: ${path} is not a file`);
    return;
  }
  const check = CHECKS[t];
  if (!check) throw new Error(`hostPath type check failed: unknown type ${t}`);
  if (!st) throw new Error(`hostPath type check failed: ${path} does not exist`);
  if (!check[0](st)) throw new Error(`hostPath type check failed: ${path} ${check[1]}`);
}
