// Why an address or port could not be allocated, worded as Kubernetes' allocators word it (the
// message ends up after "failed to allocate IP x: " or "spec.ports[0].nodePort: Invalid value: n: ").
export class AllocationError extends Error {
  constructor(readonly reason: 'allocated' | 'notInRange' | 'full' | 'invalid', message: string) {
    super(message);
    this.name = 'AllocationError';
  }
}
