export { createServiceAccountController, DEFAULT_SERVICE_ACCOUNTS } from './controller.js';
