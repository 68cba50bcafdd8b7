export { createResourceQuotaController, RESOURCEQUOTAS, DEFAULT_QUOTA_SYNC_PERIOD_MS } from './controller.js';
