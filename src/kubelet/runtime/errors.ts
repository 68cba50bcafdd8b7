// Errors from a container runtime, carrying the gRPC status code the runtime answered with, so the
// kubelet can tell "not found" (already gone: fine for idempotent removal) from real failures.
// Shared by the CRI client and the hollow runtime so that kubelet code handles both alike.

/** gRPC status codes (google.rpc.Code); the ones a CRI runtime actually returns. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

const names = new Map<number, string>(Object.entries(GrpcCode).map(([k, v]) => [v, k]));

export class CriError extends Error {
  override readonly name = 'CriError';
  /** The gRPC status code (see GrpcCode). */
  readonly code: number;
  /** The CRI method that failed, e.g. "RunPodSandbox". */
  readonly method: string;
  /** The runtime's own message, without our prefix. */
  readonly details: string;

  constructor(method: string, code: number, details: string) {
    super(`CRI ${method}: ${names.get(code) ?? `code ${code}`}: ${details}`);
    this.method = method;
    this.code = code;
    this.details = details;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof CriError && err.code === GrpcCode.NOT_FOUND;
}
