// Runs nft scripts, each as one transaction, optionally inside a network namespace (tests and benches
// program a namespace they created, never the host's).
//
// Two ways to run a script:
// - `nft -f -`, a new process per script: for big scripts (the full rebuild) and one-off calls.
// - a resident `nft -i` (`resident: true`) for the proxier's small incremental transactions. nft
//   1.0.6 refetches its cache after every commit whatever the process, so residency does not save
//   the listing of the table; it saves the process start, the library set-up and the cold heap the
//   listing is built in: adding a service at 10,000 costs 22 ms of nft CPU instead of 30
//   (bench/proxy.ts).
//   nft -i runs each input line as one transaction, so a script goes in as one line of
//   `;`-separated commands (atomic: a failing command aborts the whole line, checked by
//   test/proxy/nft.test.ts). It prints nothing on success, so each line is followed by a marker line
//   that is a deliberate syntax error: the marker's error on stderr means the transaction before it
//   is done, and any other `Error:` before it is that transaction's failure. The interactive mode
//   keeps every line in its (libedit) history, so the process is replaced every 500 transactions
//   (`recycleAfter`); HOME points nowhere so no history file is read or written.
//
// With `netlink: true`, a script made only of the lines the proxier writes for ordinary services
// skips nft altogether: it is encoded as nf_tables messages (netlink/compile.ts) and written to the
// kernel through a resident relay (netlink/relay.ts), one batch per script, so still atomic.
import { spawn } from 'node:child_process';
import { ResidentProcess } from './resident-process.js';
import { compileScript } from './netlink/compile.js';
import { NetlinkRelay, RelayUnavailable } from './netlink/relay.js';

export interface NftRunner {
  /** Applies the script atomically; rejects with nft's error text on failure. */
  apply(script: string): Promise<void>;
  /** Runs nft with arguments (e.g. `list table ip k8ts-proxy`) and returns stdout. */
  run(args: string[]): Promise<string>;
  /** Ends the resident nft, if any; later applies use one process each. */
  close?(): Promise<void>;
  /** Process ids of the resident nft and netlink relay (for CPU accounting in benches). */
  residentPids?(): number[];
  /** Transactions written through the netlink relay so far (tests, benches). */
  netlinkTransactions?(): number;
}

export interface NftOptions {
  /** nft binary; default `nft`. */
  nft?: string;
  /** A network namespace name (under /run/netns) or path to run nft inside. */
  netns?: string;
  /** Deadline for one nft invocation; default 30 s. */
  timeoutMs?: number;
  /** Keep an `nft -i` running for small scripts (see above); default false. */
  resident?: boolean;
  /** Replace the resident nft after this many transactions; default 500. */
  recycleAfter?: number;
  /** Write scripts the netlink encoder understands straight to the kernel (see above); default false. */
  netlink?: boolean;
  /** perl for the netlink relay; default `perl`. */
  perl?: string;
}

/** Scripts longer than this go through `nft -f -` (nft -i reads its input one byte per syscall). */
export const RESIDENT_MAX_SCRIPT = 16 * 1024;
export const NETLINK_MAX_SCRIPT = 1024 * 1024;
const MARKER = 'k8ts-proxy-transaction-end';
// The marker's own error: `Error: syntax error...`, the marker line, a caret line.
const MARKER_ERROR = new RegExp(`(?:^|\\n)Error: [^\\n]*\\n${MARKER}\\n[^\\n]*\\^[^\\n]*\\n`);

type Command = [string, string[]];

/** `bin args`, entered into the options' network namespace when there is one. */
function commandFor(opts: NftOptions, bin: string, args: string[]): Command {
  if (!opts.netns) return [bin, args];
  const path = opts.netns.startsWith('/') ? opts.netns : `/run/netns/${opts.netns}`;
  return ['nsenter', [`--net=${path}`, bin, ...args]];
}

/** One `nft -i` process taking one transaction at a time. */
class ResidentNft extends ResidentProcess {
  private err = '';
  transactions = 0;

  constructor(command: Command) {
    super(command[0], command[1], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, HOME: '/nonexistent' } });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (s: string) => { this.err += s; this.wake(); });
  }

  async apply(line: string, timeoutMs: number): Promise<void> {
    this.transactions++;
    this.child.stdin!.write(`${line}\n${MARKER}\n`);
    const out = await this.waitFor(() => {
      const m = MARKER_ERROR.exec(this.err);
      if (!m) return undefined;
      const text = this.err.slice(0, m.index);
      this.err = this.err.slice(m.index + m[0].length);
      return text;
    }, Date.now() + timeoutMs,
    () => new Error(`resident nft exited: ${this.err.trim().slice(0, 2000)}`),
    () => new Error(`nft did not finish a transaction within ${timeoutMs} ms`));
    if (out.includes('Error')) throw new Error(`nft failed: ${out.trim().slice(0, 2000)}`);
  }
}

export function nftRunner(opts: NftOptions = {}): NftRunner {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const recycleAfter = opts.recycleAfter ?? 500;
  const command = (args: string[]) => commandFor(opts, opts.nft ?? 'nft', args);
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

  let resident: ResidentNft | null = null;
  let closed = !opts.resident;
  let relay: NetlinkRelay | null = null;
  let netlinkCount = 0;
  let netlinkUnavailable = false;
  const viaNetlink = async (messages: NonNullable<ReturnType<typeof compileScript>>, script: string) => {
    if (netlinkUnavailable) return viaResident(script);
    if (!relay || !relay.alive) relay = new NetlinkRelay(commandFor(opts, opts.perl ?? 'perl', []));
    try {
      await relay.transact(messages, timeoutMs);
    } catch (err) {
      // No relay on this machine: nft for good (the script was not sent, so this is its only try).
      if (!(err instanceof RelayUnavailable)) throw err;
      netlinkUnavailable = true;
      return viaResident(script);
    }
    netlinkCount++;
  };
  // One transaction at a time through the resident process.
  let queue: Promise<unknown> = Promise.resolve();
  const live = () => {
    if (!resident || !resident.alive) resident = new ResidentNft(command(['-i']));
    return resident;
  };
  const viaResident = async (script: string) => {
    const r = live();
    try {
      await r.apply(script.trimEnd().split('\n').join(' ; '), timeoutMs);
    } finally {
      // Replace it between transactions, so the next change does not wait for a start.
      if (r.transactions >= recycleAfter && r === resident) { resident = null; void r.close(); if (!closed) live(); }
    }
  };
  return {
    apply: async (script) => {
      if (!script.trim()) return;
      // Block-form scripts (`table t {` over several lines) are files, not lines: nft -f.
      const block = /\{[ \t]*\n/.test(script);
      // Up to NETLINK_MAX_SCRIPT: a batch of a few thousand messages, well inside the relay's buffers.
      const messages = opts.netlink && !netlinkUnavailable && !closed && !block && script.length <= NETLINK_MAX_SCRIPT ? compileScript(script) : null;
      if (!messages && (closed || script.length > RESIDENT_MAX_SCRIPT || block)) { await exec(['-f', '-'], script); return; }
      const run = queue.then(() => (messages ? viaNetlink(messages, script) : viaResident(script)));
      queue = run.catch(() => undefined);
      await run;
    },
    run: (args) => exec(args),
    async close() {
      closed = true;
      await queue;
      const r = resident;
      resident = null;
      await r?.close();
      const l = relay;
      relay = null;
      await l?.close();
    },
    residentPids: () => [resident, relay].flatMap((p) => (p?.alive && p.pid ? [p.pid] : [])),
    netlinkTransactions: () => netlinkCount,
  };
}
