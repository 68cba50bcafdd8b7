// A plugin's answer (framework.Status): a code, the reasons a user reads ("Insufficient cpu"),
// and which plugin said it. Success is the absence of a problem, so it is shared and reasonless.
export enum Code {
  Success = 0,
  Error = 1,
  /** The pod does not fit now; preemption might help. */
  Unschedulable = 2,
  /** The pod does not fit and removing pods will not change that (preemption skips the node). */
  UnschedulableAndUnresolvable = 3,
  /** Permit: hold the pod until allowed or timed out. */
  Wait = 4,
  /** PreFilter/PreScore: this plugin has nothing to do for this pod. */
  Skip = 5,
}

export const CODE_NAMES: Record<Code, string> = {
  [Code.Success]: 'Success', [Code.Error]: 'Error', [Code.Unschedulable]: 'Unschedulable',
  [Code.UnschedulableAndUnresolvable]: 'UnschedulableAndUnresolvable', [Code.Wait]: 'Wait', [Code.Skip]: 'Skip',
};

export class Status {
  plugin = '';
  constructor(readonly code: Code, readonly reasons: string[] = [], readonly error?: Error) {}

  static readonly SUCCESS = new Status(Code.Success);

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }
  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }
  static error(err: unknown): Status {
    const e = err instanceof Error ? err : new Error(String(err));
    return new Status(Code.Error, [e.message], e);
  }
  static skip(): Status {
    return new Status(Code.Skip);
  }

  withPlugin(name: string): Status {
    if (this.code === Code.Success) return this;
    const s = new Status(this.code, this.reasons, this.error);
    s.plugin = name;
    return s;
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }
  message(): string {
    return this.reasons.join(', ');
  }
}

/** A nil-able status: plugins may return undefined for success. */
export type MaybeStatus = Status | undefined | void;

export function isOk(s: MaybeStatus): boolean {
  return !s || s.code === Code.Success;
}
