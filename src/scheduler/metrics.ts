// The scheduler's Prometheus metrics on their own registry (serve it at /metrics), named as
// kube-scheduler names them.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface SchedulerMetrics {
  registry: Registry;
  scheduleAttempts: Counter<'result' | 'profile'>;
  attemptDuration: Histogram<'result' | 'profile'>;
  podSchedulingDuration: Histogram<'attempts'>;
  pendingPods: Gauge<'queue'>;
  preemptionAttempts: Counter<string>;
  preemptionVictims: Histogram<string>;
  bindingDuration: Histogram<string>;
  algorithmDuration: Histogram<string>;
}

export function createMetrics(queueLengths: () => { active: number; backoff: number; unschedulable: number }): SchedulerMetrics {
  const registry = new Registry();
  const buckets = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384];
  return {
    registry,
    scheduleAttempts: new Counter({ name: 'scheduler_schedule_attempts_total', help: 'Number of attempts to schedule pods, by the result. \'unschedulable\' means a pod could not be scheduled, while \'error\' means an internal scheduler problem.', labelNames: ['result', 'profile'], registers: [registry] }),
    attemptDuration: new Histogram({ name: 'scheduler_scheduling_attempt_duration_seconds', help: 'Scheduling attempt latency in seconds (scheduling algorithm + binding)', labelNames: ['result', 'profile'], buckets, registers: [registry] }),
    podSchedulingDuration: new Histogram({ name: 'scheduler_pod_scheduling_duration_seconds', help: 'E2e latency for a pod being scheduled which may include multiple scheduling attempts.', labelNames: ['attempts'], buckets, registers: [registry] }),
    pendingPods: new Gauge({
      name: 'scheduler_pending_pods', help: 'Number of pending pods, by the queue type.', labelNames: ['queue'], registers: [registry],
      collect() {
        const l = queueLengths();
        this.set({ queue: 'active' }, l.active);
        this.set({ queue: 'backoff' }, l.backoff);
        this.set({ queue: 'unschedulable' }, l.unschedulable);
      },
    }),
    preemptionAttempts: new Counter({ name: 'scheduler_preemption_attempts_total', help: 'Total preemption attempts in the cluster till now', registers: [registry] }),
    preemptionVictims: new Histogram({ name: 'scheduler_preemption_victims', help: 'Number of selected preemption victims', buckets: [1, 2, 4, 8, 16, 32, 64], registers: [registry] }),
    algorithmDuration: new Histogram({ name: 'scheduler_scheduling_algorithm_duration_seconds', help: 'Scheduling algorithm latency in seconds (filter + score + select)', buckets: [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1], registers: [registry] }),
    bindingDuration: new Histogram({ name: 'scheduler_binding_duration_seconds', help: 'Binding latency in seconds (the pods/binding call)', buckets, registers: [registry] }),
  };
}
