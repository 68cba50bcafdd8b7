// The API server's public face: build one over a Store and listen.
export { createApiServer, DEFAULT_VERBS, type ApiServer, type ApiServerOptions } from './server.js';
export type { ResourceHooks, HookContext } from './hooks.js';
