// Runs one nft script as one transaction (`nft -f -`), optionally inside a network namespace
// (tests and benches program a namespace they created, never the host's).
import { spawn } from 'node:child_process';

export interface NftRunner {
  /** Applies the script atomically; rejects with nft's error text on failure. */
  apply(script: string): Promise<void>;
  /** Runs nft with arguments (e.g. `list table ip k8ts-proxy`) and returns stdout. */
  run(args: string[]): Promise<string>;
}

export interface NftOptions {
  /** nft binary; default `nft`. */
  nft?: string;
  /** A network namespace name (under /run/netns) or path to run nft inside. */
  netns?: string;
  /** Deadline for one nft invocation; default 30 s. */
  timeoutMs?: number;
}

export function nftRunner(opts: NftOptions = {}): NftRunner {
  const nft = opts.nft ?? 'nft';
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const command = (args: string[]): [string, string[]] => {
    if (!opts.netns) return [nft, args];
    const path = opts.netns.startsWith('/') ? opts.netns : `/run/netns/${opts.netns}`;
    return ['nsenter', [`--net=${path}`, nft, ...args]];
  };
  const exec = (args: string[], input?: string) => new Promise<string>((resolve, reject) => {
    const [cmd, argv] = command(args);
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new Error(`nft ${args.join(' ')} failed (${signal ?? code}): ${Buffer.concat(err).toString().trim().slice(0, 2000)}`));
    });
    child.stdin.on('error', () => undefined); // nft may exit before reading everything
    child.stdin.end(input ?? '');
  });
  return {
    apply: async (script) => { await exec(['-f', '-'], script); },
    run: (args) => exec(args),
  };
}
