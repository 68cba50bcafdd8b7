// The controller manager: one process, one API client, one shared informer factory and the chosen
// controllers. With leader election it acts only while it holds the Lease
// kube-system/kube-controller-manager: on losing it every controller stops (and the informers with
// them), and it campaigns again; a standby takes over within the lease duration of the leader's
// last renewal.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { RestClient } from '../client/rest.js';
import { SharedInformerFactory } from '../client/informer/factory.js';
import { EventRecorder } from '../client/events.js';
import { LeaderElector } from '../client/leaderelection.js';
import { realClock, type Clock } from '../machinery/clock.js';
import type { ControllerContext, ControllerFactory, ControllerOptions } from './context.js';
import { CONTROLLERS, enabledControllers } from './registry.js';

export const LEASE_NAMESPACE = 'kube-system';
export const LEASE_NAME = 'kube-controller-manager';

export type LogFn = (msg: string, fields?: Record<string, unknown>) => void;

export interface ControllerManagerOptions {
  client: RestClient;
  /** The controllers' clock (tests pass a FakeClock); informers and leader election use real time. */
  clock?: Clock;
  /** Names; "*" all (the default); "-name" disables one. */
  controllers?: string[];
  options?: ControllerOptions;
  leaderElect?: boolean;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Give the Lease up on stop so a standby need not wait it out (default true; false imitates a crash). */
  releaseOnCancel?: boolean;
  /** Informer resync period (default 0: none; the controllers are level-triggered on events and timers). */
  resyncPeriodMs?: number;
  log?: LogFn;
  signal?: AbortSignal;
}

export interface ControllerManager {
  readonly identity: string;
  /** The controllers running now (empty while standing by). */
  running(): string[];
  isLeading(): boolean;
  stop(): Promise<void>;
}

export function defaultLog(component: string): LogFn {
  return (msg, fields) => process.stderr.write(`${JSON.stringify({ ts: new Date().toISOString(), component, msg, ...fields })}\n`);
}

export async function startControllerManager(opts: ControllerManagerOptions): Promise<ControllerManager> {
  const log = opts.log ?? defaultLog('controller-manager');
  const clock = opts.clock ?? realClock;
  const identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
  const names = enabledControllers(opts.controllers);
  const factories: [string, ControllerFactory][] = [];
  for (const n of names) {
    try {
      factories.push([n, await CONTROLLERS[n]!()]);
    } catch (err) {
      // "*" takes what is built; a controller asked for by name must be there.
      if ((opts.controllers ?? ['*']).some((c) => c === n)) throw new Error(`controller ${n} cannot be loaded: ${(err as Error).message}`);
      log('controller not available; skipping', { controller: n, err: (err as Error).message });
    }
  }
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let running: string[] = [];
  let leading = false;

  /** One term of office: fresh informers and controllers, until the signal aborts. */
  async function runControllers(signal: AbortSignal): Promise<void> {
    const informers = new SharedInformerFactory(opts.client, { log, resyncPeriodMs: opts.resyncPeriodMs });
    const recorders = new Map<string, EventRecorder>();
    const ctx: ControllerContext = {
      client: opts.client, informers, clock, log, options: opts.options ?? {},
      recorder(component) {
        let r = recorders.get(component);
        if (!r) recorders.set(component, (r = new EventRecorder({ client: opts.client, component, clock, log })));
        return r;
      },
    };
    const controllers = [];
    for (const [n, f] of factories) {
      try {
        controllers.push(f({ ...ctx, log: (msg, fields) => log(msg, { controller: n, ...fields }) }));
      } catch (err) {
        log('controller failed to start', { controller: n, err: (err as Error).message });
      }
    }
    informers.start();
    running = controllers.map((c) => c.name);
    log('started controllers', { controllers: running, identity });
    await Promise.all(controllers.map((c) => c.run(signal).catch((err) => log('controller stopped with an error', { controller: c.name, err: (err as Error)?.message ?? String(err) }))));
    running = [];
    await informers.stop();
    await Promise.all([...recorders.values()].map((r) => r.shutdown()));
    log('stopped controllers', { identity });
  }

  let done: Promise<void>;
  if (!opts.leaderElect) {
    leading = true;
    done = runControllers(abort.signal).finally(() => { leading = false; });
  } else {
    let term: Promise<void> = Promise.resolve();
    const elector = new LeaderElector({
      client: opts.client, namespace: LEASE_NAMESPACE, name: LEASE_NAME, identity,
      leaseDurationMs: opts.leaseDurationMs, renewDeadlineMs: opts.renewDeadlineMs, retryPeriodMs: opts.retryPeriodMs,
      releaseOnCancel: opts.releaseOnCancel ?? true, log,
      callbacks: {
        onStartedLeading: (signal) => {
          leading = true;
          term = runControllers(signal);
        },
        onStoppedLeading: () => {
          leading = false;
          log('leader election lost; controllers stopped', { identity });
        },
        onNewLeader: (who) => { if (who !== identity) log('new leader elected', { leader: who }); },
      },
    });
    done = (async () => {
      while (!abort.signal.aborted) {
        await elector.run(abort.signal);
        await term;
      }
    })();
  }

  return {
    identity,
    running: () => [...running],
    isLeading: () => leading,
    async stop() {
      abort.abort();
      await done;
      opts.signal?.removeEventListener('abort', onOuterAbort);
    },
  };
}
