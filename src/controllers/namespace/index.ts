export { createNamespaceController, FINALIZER_KUBERNETES } from './controller.js';
export { deleteAllContent, type DeleteContentResult } from './content.js';
export * from './conditions.js';
