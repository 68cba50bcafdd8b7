// The disruption controller (Kubernetes' --controllers name "disruption").
export { createDisruptionController, podsForBudget, staleDisruptionIn, STALE_POD_DISRUPTION_TIMEOUT_MS } from './controller.js';
export { computeBudgetStatus, expectedPodCount, disruptedPodMap, countHealthy, type BudgetPod, type ScaleFinder, type BudgetSync } from './status.js';
export { scaleFinder, type ScaleListers } from './scale.js';
