// A long-lived helper process that takes one request at a time on its stdin (the resident nft, the
// netlink relay): start, "has it answered yet?" waits with a deadline, and an end that does not hang.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

export class ResidentProcess {
  protected readonly child: ChildProcess;
  protected exited = false;
  private waker: (() => void) | null = null;

  constructor(command: string, args: string[], options: SpawnOptions) {
    this.child = spawn(command, args, options);
    this.child.stdin!.on('error', () => undefined); // it may exit before reading everything
    const gone = () => { this.exited = true; this.onExit(); this.wake(); };
    this.child.on('exit', gone);
    this.child.on('error', gone);
  }

  /** Subclasses hear of the exit here (before waiters are woken). */
  protected onExit(): void {}

  get alive(): boolean {
    return !this.exited;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Wakes a pending waitFor(): output arrived or the process ended. */
  protected wake(): void {
    this.waker?.();
  }

  /**
   * Waits until `done()` returns a value (checked now and after every wake), the process exits
   * (throws `exitedError()`), or the deadline passes (kills it and throws `timeoutError`).
   */
  protected async waitFor<T>(done: () => T | undefined, deadline: number, exitedError: () => Error, timeoutError: () => Error): Promise<T> {
    for (;;) {
      const v = done();
      if (v !== undefined) return v;
      if (this.exited) throw exitedError();
      const left = deadline - Date.now();
      if (left <= 0) { this.kill(); throw timeoutError(); }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waker = () => { clearTimeout(t); resolve(); };
      });
      this.waker = null;
    }
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  /** Ends the process (EOF on its input), killing it if it has not exited within a second. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.child.stdin!.end();
    const t = setTimeout(() => this.kill(), 1000);
    await new Promise<void>((resolve) => { if (this.exited) resolve(); else this.child.once('exit', () => resolve()); });
    clearTimeout(t);
  }
}
