// One sync of one Deployment (Kubernetes' deployment controller sync.go, rolling.go, recreate.go,
// progress.go): find or create the new ReplicaSet, scale ReplicaSets by the strategy, clean up
// old revisions, and write the status with its Progressing and Available conditions. Built per
// sync from the informer cache; every write goes through the API server.
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import type { EventRecorder } from '../../client/events.js';
import { isAlreadyExists, isConflict, isNotFound, type RestClient } from '../../client/rest.js';
import type { Pod } from '../workload/pods.js';
import { controllerOf, controllerRef } from '../workload/controller-ref.js';
import { DEPLOYMENTS, REPLICA_SETS } from '../workload/resources.js';
import { computeHash } from './hash.js';
import { PROGRESSING, Reasons, getCondition, newCondition, setCondition, type DeploymentCondition } from './conditions.js';
import { calculateStatus, rolloutStatus, stuckRecheckIn, type DeploymentStatus } from './status.js';
import {
  DESIRED_REPLICAS, MAX_REPLICAS, POD_TEMPLATE_HASH, REVISION, activeReplicaSets, byCreation, byRevision, deploymentComplete,
  equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, hasProgressDeadline, isRollingUpdate, isSaturated,
  maxRevision, maxSurge, maxUnavailable, newRSNewReplicas, newReplicaSetAnnotations, replicasAnnotationsNeedUpdate, replicasOf,
  sameStatus, sumAvailable, sumSpecReplicas, sumStatusReplicas,
} from './util.js';

/** The Deployment changed under us (409): its newer version is on its way through the informer. */
export class StaleDeployment extends Error {}

export interface RolloutDeps {
  client: RestClient;
  recorder: EventRecorder;
  now(): number;
  /** Pods of a ReplicaSet, from the cache (Recreate waits for old ones to go). */
  podsOf(rs: ReplicaSet): Pod[];
  /** Look at this Deployment again after ms (progress deadline checks). */
  requeueAfter(ms: number): void;
  log(msg: string, fields?: Record<string, unknown>): void;
}

export class Rollout {
  constructor(private d: Deployment, private readonly deps: RolloutDeps) {}

  get deployment(): Deployment {
    return this.d;
  }

  // --- writes ---

  private async writeStatus(status: DeploymentStatus): Promise<void> {
    try {
      this.d = await this.deps.client.updateStatus(DEPLOYMENTS, { ...this.d, status } as Deployment);
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) throw new StaleDeployment(`deployment ${this.d.metadata.name} changed: ${(err as Error).message}`);
      throw err;
    }
  }

  /** The Deployment's own revision annotation (Kubernetes writes it with the status; here it is a metadata patch). */
  private async setDeploymentRevision(revision: string): Promise<void> {
    if (!revision || this.d.metadata.annotations?.[REVISION] === revision) return;
    try {
      this.d = await this.deps.client.patch<Deployment>(DEPLOYMENTS, this.d.metadata.name!, 'merge', {
        metadata: { annotations: { [REVISION]: revision }, resourceVersion: this.d.metadata.resourceVersion },
      }, { namespace: this.d.metadata.namespace });
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) throw new StaleDeployment(`deployment ${this.d.metadata.name} changed`);
      throw err;
    }
  }

  private async patchReplicaSet(rs: ReplicaSet, body: Record<string, unknown>): Promise<ReplicaSet> {
    return this.deps.client.patch<ReplicaSet>(REPLICA_SETS, rs.metadata.name!, 'merge', body, { namespace: rs.metadata.namespace });
  }

  /** scaleReplicaSetAndRecordEvent: new size and the replicas annotations, with a ScalingReplicaSet Event. */
  async scaleReplicaSet(rs: ReplicaSet, newScale: number, op?: 'up' | 'down'): Promise<{ scaled: boolean; rs: ReplicaSet }> {
    const old = replicasOf(rs);
    const desired = replicasOf(this.d);
    const max = desired + maxSurge(this.d);
    const sizeChange = old !== newScale;
    if (!sizeChange && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
    const updated = await this.patchReplicaSet(rs, {
      metadata: { annotations: { [DESIRED_REPLICAS]: String(desired), [MAX_REPLICAS]: String(max) } },
      spec: { replicas: newScale },
    });
    if (sizeChange) {
      const how = op ?? (old < newScale ? 'up' : 'down');
      this.deps.recorder.event(this.d, 'Normal', 'ScalingReplicaSet', `Scaled ${how} replica set ${rs.metadata.name} from ${old} to ${newScale}`);
    }
    return { scaled: sizeChange, rs: updated };
  }

  // --- the new ReplicaSet ---

  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created if asked) and all the others. */
  async replicaSets(rsList: ReplicaSet[], create: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    const found = findNewReplicaSet(this.d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== found);
    const newRS = await this.newReplicaSet(found, oldRSs, create);
    return { newRS, oldRSs };
  }

  private async newReplicaSet(existing: ReplicaSet | undefined, oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const d = this.d;
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const annotations = newReplicaSetAnnotations(d, existing, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      if (annotations || (existing.spec?.minReadySeconds ?? 0) !== minReady) {
        return this.patchReplicaSet(existing, { metadata: { annotations: annotations ?? existing.metadata.annotations ?? {} }, spec: { minReadySeconds: minReady } });
      }
      await this.setDeploymentRevision(existing.metadata.annotations?.[REVISION] ?? '');
      if (hasProgressDeadline(d) && !getCondition(d.status?.conditions, PROGRESSING)) {
        const c = newCondition(PROGRESSING, 'True', Reasons.FoundNewReplicaSet, `Found new replica set "${existing.metadata.name}"`, this.deps.now());
        await this.writeStatus({ ...d.status, conditions: setCondition(this.d.status?.conditions ?? [], c) });
      }
      return existing;
    }
    if (!create) return undefined;

    const template = structuredClone(d.spec?.template ?? {});
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash } };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace, labels: { ...template.metadata.labels },
        ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    } as ReplicaSet;
    rs.spec!.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    rs.metadata.annotations = newReplicaSetAnnotations(d, rs, newRevision, false);

    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      created = await this.deps.client.create<ReplicaSet>(REPLICA_SETS, rs, { namespace: d.metadata.namespace });
    } catch (err) {
      if (!isAlreadyExists(err)) {
        if (hasProgressDeadline(d)) {
          const c = newCondition(PROGRESSING, 'False', Reasons.FailedReplicaSetCreate, `Failed to create new replica set "${rs.metadata.name}": ${(err as Error).message}`, this.deps.now());
          await this.writeStatus({ ...d.status, conditions: setCondition(d.status?.conditions ?? [], c) });
        }
        throw err;
      }
      // Ours already (the cache lags) or a hash collision with someone else's ReplicaSet.
      const other = await this.deps.client.get<ReplicaSet>(REPLICA_SETS, rs.metadata.name!, { namespace: d.metadata.namespace });
      if (controllerOf(other)?.uid === d.metadata.uid && equalIgnoreHash(other.spec?.template, d.spec?.template)) {
        created = other;
        alreadyExists = true;
      } else {
        const collisionCount = (d.status?.collisionCount ?? 0) + 1;
        this.deps.log('hash collision for new ReplicaSet', { namespace: d.metadata.namespace, name: d.metadata.name, replicaSet: rs.metadata.name, collisionCount });
        await this.writeStatus({ ...d.status, collisionCount });
        throw new Error(`found a hash collision for deployment "${d.metadata.name}" - bumping collisionCount to ${collisionCount} to resolve it`);
      }
    }
    if (!alreadyExists && replicasOf(created) > 0) {
      this.deps.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicasOf(created)}`);
    }
    await this.setDeploymentRevision(String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      const c = newCondition(PROGRESSING, 'True', Reasons.NewReplicaSetCreated, `Created new replica set "${created.metadata.name}"`, this.deps.now());
      await this.writeStatus({ ...this.d.status, conditions: setCondition(this.d.status?.conditions ?? [], c) });
    }
    return created;
  }

  // --- paused, scaling, cleanup ---

  /** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
  async checkPausedConditions(): Promise<void> {
    const d = this.d;
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status?.conditions, PROGRESSING);
    if (cond?.reason === Reasons.ProgressDeadlineExceeded) return;
    const pausedCond = cond?.reason === Reasons.DeploymentPaused;
    let c: DeploymentCondition | undefined;
    if (d.spec?.paused && !pausedCond) c = newCondition(PROGRESSING, 'Unknown', Reasons.DeploymentPaused, 'Deployment is paused', this.deps.now());
    else if (!d.spec?.paused && pausedCond) c = newCondition(PROGRESSING, 'Unknown', Reasons.DeploymentResumed, 'Deployment is resumed', this.deps.now());
    if (c) await this.writeStatus({ ...d.status, conditions: setCondition(d.status?.conditions ?? [], c) });
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different replica count. */
  async isScalingEvent(rsList: ReplicaSet[]): Promise<boolean> {
    const { newRS, oldRSs } = await this.replicaSets(rsList, false);
    const all = newRS ? [...oldRSs, newRS] : oldRSs;
    return activeReplicaSets(all).some((rs) => {
      const v = rs.metadata.annotations?.[DESIRED_REPLICAS];
      return v !== undefined && Number(v) !== replicasOf(this.d);
    });
  }

  /** sync: scaling (and paused) without a rollout. */
  async sync(rsList: ReplicaSet[]): Promise<void> {
    const { newRS, oldRSs } = await this.replicaSets(rsList, false);
    await this.scale(newRS, oldRSs);
    if (this.d.spec?.paused) await this.cleanup(oldRSs);
    const all = newRS ? [...oldRSs, newRS] : oldRSs;
    await this.syncStatusOnly(all, newRS);
  }

  /** The status alone (deleting or paused Deployments): no Progressing decisions. */
  async syncStatusOnly(all: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(this.d, all, newRS, this.deps.now());
    if (!sameStatus(this.d.status, status)) await this.writeStatus(status);
  }

  /** scale: one active ReplicaSet takes the full count; otherwise proportional scaling (rolling only). */
  private async scale(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const d = this.d;
    const target = findActiveOrLatest(newRS, oldRSs);
    if (target) {
      if (replicasOf(target) !== replicasOf(d)) await this.scaleReplicaSet(target, replicasOf(d));
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeReplicaSets(oldRSs)) await this.scaleReplicaSet(old, 0);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const all = activeReplicaSets(newRS ? [...oldRSs, newRS] : oldRSs);
    const allReplicas = sumSpecReplicas(all);
    const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
    const toAdd = allowed - allReplicas;
    let op: 'up' | 'down' | undefined;
    if (toAdd > 0) {
      // Bigger first, newer first among equals.
      all.sort((a, b) => replicasOf(b) - replicasOf(a) || byCreation(b, a));
      op = 'up';
    } else if (toAdd < 0) {
      // Bigger first, older first among equals.
      all.sort((a, b) => replicasOf(b) - replicasOf(a) || byCreation(a, b));
      op = 'down';
    }
    const sizes = new Map<ReplicaSet, number>();
    let added = 0;
    for (const rs of all) {
      if (toAdd === 0) { sizes.set(rs, replicasOf(rs)); continue; }
      const p = this.proportion(rs, toAdd, added);
      sizes.set(rs, replicasOf(rs) + p);
      added += p;
    }
    for (const [i, rs] of all.entries()) {
      let size = sizes.get(rs)!;
      // Leftovers go to the largest.
      if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
      await this.scaleReplicaSet(rs, size, op);
    }
  }

  /** GetProportion / getReplicaSetFraction: a ReplicaSet's share of a scaling, by its size at the last max. */
  private proportion(rs: ReplicaSet, toAdd: number, added: number): number {
    if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
    const d = this.d;
    let fraction: number;
    if (replicasOf(d) === 0) fraction = -replicasOf(rs);
    else {
      const deploymentReplicas = replicasOf(d) + maxSurge(d);
      const annotated = Number.parseInt(rs.metadata.annotations?.[MAX_REPLICAS] ?? '', 10);
      const base = Number.isFinite(annotated) && annotated > 0 ? annotated : d.status?.replicas ?? 0;
      fraction = base > 0 ? Math.round((replicasOf(rs) * deploymentReplicas) / base) - replicasOf(rs) : 0;
    }
    const allowed = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
  }

  /** cleanupDeployment: delete the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  async cleanup(oldRSs: ReplicaSet[]): Promise<void> {
    const limit = this.d.spec?.revisionHistoryLimit;
    if (limit === undefined || limit === null) return;
    const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
    const diff = alive.length - limit;
    for (let i = 0; i < diff; i++) {
      const rs = alive[i]!;
      if ((rs.status?.replicas ?? 0) !== 0 || replicasOf(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      this.deps.log('deleting old replica set', { namespace: rs.metadata.namespace, name: rs.metadata.name, deployment: this.d.metadata.name });
      try {
        await this.deps.client.delete(REPLICA_SETS, rs.metadata.name!, { namespace: rs.metadata.namespace, preconditions: { uid: rs.metadata.uid } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // --- strategies ---

  async rolloutRolling(rsList: ReplicaSet[]): Promise<void> {
    let { newRS, oldRSs } = await this.replicaSets(rsList, true);
    newRS = newRS!;
    // Scale up the new ReplicaSet as far as maxSurge allows.
    let scaled = false;
    if (replicasOf(newRS) > replicasOf(this.d)) {
      ({ scaled, rs: newRS } = await this.scaleReplicaSet(newRS, replicasOf(this.d)));
    } else if (replicasOf(newRS) < replicasOf(this.d)) {
      ({ scaled, rs: newRS } = await this.scaleReplicaSet(newRS, newRSNewReplicas(this.d, [...oldRSs, newRS], newRS)));
    }
    if (scaled) return this.syncRolloutStatus([...oldRSs, newRS], newRS);
    // Scale down old ReplicaSets as far as maxUnavailable allows.
    const down = await this.reconcileOldReplicaSets(oldRSs, newRS);
    if (down.scaled) return this.syncRolloutStatus([...down.oldRSs, newRS], newRS);
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(oldRSs);
    return this.syncRolloutStatus([...oldRSs, newRS], newRS);
  }

  private async reconcileOldReplicaSets(oldRSs: ReplicaSet[], newRS: ReplicaSet): Promise<{ scaled: boolean; oldRSs: ReplicaSet[] }> {
    const d = this.d;
    if (sumSpecReplicas(oldRSs) === 0) return { scaled: false, oldRSs };
    const allPods = sumSpecReplicas([...oldRSs, newRS]);
    const minAvailable = replicasOf(d) - maxUnavailable(d);
    const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
    const maxScaledDown = allPods - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return { scaled: false, oldRSs };
    // First old pods that are not available anyway (cleanupUnhealthyReplicas)...
    const olds = [...oldRSs].sort(byCreation);
    let cleaned = 0;
    for (const [i, rs] of olds.entries()) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
      if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
      const n = Math.min(maxScaledDown - cleaned, unhealthy);
      olds[i] = (await this.scaleReplicaSet(rs, replicasOf(rs) - n)).rs;
      cleaned += n;
    }
    // ...then available ones, oldest first, keeping minAvailable (scaleDownOldReplicaSetsForRollingUpdate).
    const available = sumAvailable([...olds, newRS]);
    let scaledDown = 0;
    if (available > minAvailable) {
      const total = available - minAvailable;
      for (const [i, rs] of olds.entries()) {
        if (scaledDown >= total) break;
        if (replicasOf(rs) === 0) continue;
        const n = Math.min(replicasOf(rs), total - scaledDown);
        olds[i] = (await this.scaleReplicaSet(rs, replicasOf(rs) - n)).rs;
        scaledDown += n;
      }
    }
    return { scaled: cleaned + scaledDown > 0, oldRSs: olds };
  }

  async rolloutRecreate(rsList: ReplicaSet[]): Promise<void> {
    let { newRS, oldRSs } = await this.replicaSets(rsList, false);
    // Every old pod goes before any new one starts.
    let scaledDown = false;
    for (const [i, rs] of oldRSs.entries()) {
      if (replicasOf(rs) === 0) continue;
      const r = await this.scaleReplicaSet(rs, 0);
      oldRSs[i] = r.rs;
      scaledDown ||= r.scaled;
    }
    const all = () => (newRS ? [...oldRSs, newRS] : oldRSs);
    if (scaledDown) return this.syncRolloutStatus(all(), newRS);
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(all(), newRS);
    if (!newRS) ({ newRS, oldRSs } = await this.replicaSets(rsList, true));
    if (replicasOf(newRS) !== replicasOf(this.d)) newRS = (await this.scaleReplicaSet(newRS!, replicasOf(this.d))).rs;
    if (deploymentComplete(this.d, this.d.status ?? {})) await this.cleanup(oldRSs);
    return this.syncRolloutStatus(all(), newRS);
  }

  private oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
    if (sumStatusReplicas(oldRSs) > 0) return true;
    for (const rs of oldRSs) {
      if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
      for (const p of this.deps.podsOf(rs)) {
        const phase = p.status?.phase;
        if (phase !== 'Failed' && phase !== 'Succeeded') return true;
      }
    }
    return false;
  }

  // --- status ---

  /** syncRolloutStatus: write the status with its Progressing verdict, or if unchanged look again before the deadline. */
  async syncRolloutStatus(all: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void> {
    const now = this.deps.now();
    const status = rolloutStatus(this.d, all, newRS, now);
    if (sameStatus(this.d.status, status)) {
      const wait = stuckRecheckIn(this.d, status, now);
      if (wait !== undefined) this.deps.requeueAfter(wait);
      return;
    }
    await this.writeStatus(status);
  }
}
