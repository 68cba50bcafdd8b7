// A NETLINK_NETFILTER socket for Node, which cannot open one itself. A resident perl (perl-base is
// Essential on Debian, so every node has it) opens the socket, optionally inside a network
// namespace, and copies bytes both ways: frames `<u32 length><bytes>` on its stdin become one
// sendmsg each, and every datagram the kernel sends back comes out on its stdout with the same
// framing. All knowledge of nf_tables stays in TypeScript (messages.ts, compile.ts).
//
// Why a socket at all: nft 1.0.6 lists every chain and set of the namespace before each
// transaction that adds a rule or an element (~10-15 ms of kernel and nft CPU at 10,000 services);
// messages written straight to the kernel skip that listing (bench/proxy.ts).
import { ResidentProcess } from '../resident-process.js';
import { batch, parseReplies, type Reply } from './messages.js';

// The relay. SO_SNDBUFFORCE/SO_RCVBUFFORCE (root) so a batch of a few hundred messages and its
// acks fit; sysread into our own buffer because select() and buffered reads do not mix.
const RELAY = String.raw`
use strict; use warnings; use Socket; use IO::Select;
socket(my $nl, 16, 3, 12) or die "netlink socket: $!\n";
setsockopt($nl, SOL_SOCKET, 32, pack("i", 8 << 20)); setsockopt($nl, SOL_SOCKET, 33, pack("i", 8 << 20));
bind($nl, pack("SSLL", 16, 0, 0, 0)) or die "netlink bind: $!\n";
my $kernel = pack("SSLL", 16, 0, 0, 0);
binmode STDIN; binmode STDOUT; $| = 1;
my $sel = IO::Select->new(\*STDIN, $nl);
my $in = "";
print "ready\n";
while (1) {
  for my $fh ($sel->can_read) {
    if ($fh == $nl) {
      my $buf; defined(recv($nl, $buf, 1 << 22, 0)) or die "netlink recv: $!\n";
      print pack("N", length $buf), $buf;
    } else {
      my $n = sysread(STDIN, $in, 1 << 20, length $in); defined $n or die "stdin: $!\n"; exit 0 if $n == 0;
      while (length $in >= 4) {
        my $len = unpack("N", $in); last if length $in < 4 + $len;
        defined(send($nl, substr($in, 4, $len), 0, $kernel)) or die "netlink send: $!\n";
        substr($in, 0, 4 + $len) = "";
      }
    }
  }
}`;

/** The relay could not start (no perl, no netlink socket): the caller should use nft instead. */
export class RelayUnavailable extends Error {}

export class NetlinkError extends Error {
  constructor(message: string, readonly errno: number, readonly index: number) { super(message); }
}

/** A resident relay carrying one nf_tables transaction at a time. */
export class NetlinkRelay extends ResidentProcess {
  private readonly ready: Promise<void>;
  private started = false;
  private startedOrGone!: () => void;
  private buf: Buffer = Buffer.alloc(0);
  private replies: Reply[] = [];
  private stderr = '';
  private seq = 1;

  constructor(command: [string, string[]]) {
    super(command[0], [...command[1], '-e', RELAY], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.ready = new Promise<void>((resolve) => { this.startedOrGone = resolve; });
    if (this.exited) this.startedOrGone();
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (s: string) => { this.stderr = (this.stderr + s).slice(-2000); });
    this.child.stdout!.on('data', (b: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, b]) : b;
      if (!this.started) {
        const nl = this.buf.indexOf(10); // the relay's "ready" line, once its socket is bound
        if (nl < 0) return;
        this.buf = this.buf.subarray(nl + 1);
        this.started = true;
        this.startedOrGone();
      }
      while (this.buf.length >= 4) {
        const len = this.buf.readUInt32BE(0);
        if (this.buf.length < 4 + len) break;
        this.replies.push(...parseReplies(this.buf.subarray(4, 4 + len)));
        this.buf = this.buf.subarray(4 + len);
      }
      this.wake();
    });
  }

  protected override onExit(): void {
    this.startedOrGone?.();
  }

  /**
   * Sends the messages as one batch and waits for the kernel's answer to each. Rejects with the
   * first error (the kernel then applied none of the batch).
   */
  async transact(messages: ((seq: number) => Buffer)[], timeoutMs: number): Promise<void> {
    await this.ready;
    if (!this.started) throw new RelayUnavailable(`netlink relay did not start: ${this.stderr.trim() || 'no perl?'}`);
    const b = batch(messages, this.seq);
    this.seq = (b.fenceSeq + 1) % 0x7fffffff || 1;
    this.replies = [];
    const frame = (x: Buffer) => { const f = Buffer.alloc(4); f.writeUInt32BE(x.length); return f; };
    this.child.stdin!.write(Buffer.concat([frame(b.bytes), b.bytes, frame(b.fence), b.fence]));
    await this.waitFor(() => (this.replies.some((r) => r.seq === b.fenceSeq) ? true : undefined), Date.now() + timeoutMs,
      () => new Error(`netlink relay exited: ${this.stderr.trim()}`),
      () => new Error(`nf_tables did not answer within ${timeoutMs} ms`));
    const index = new Map(b.seqs.map((s, i) => [s, i]));
    const errors = this.replies.filter((r) => r.error !== undefined && r.error !== 0 && index.has(r.seq));
    if (!errors.length) return;
    const first = errors.reduce((a, r) => (index.get(r.seq)! < index.get(a.seq)! ? r : a));
    throw new NetlinkError(`nf_tables refused message ${index.get(first.seq)! + 1} of ${b.seqs.length}: errno ${-first.error!}`, -first.error!, index.get(first.seq)!);
  }
}
