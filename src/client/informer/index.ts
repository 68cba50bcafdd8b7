// Informers: list + watch + local indexed cache + handlers, shared per process.
export { SharedInformerFactory, type FactoryOptions, type InformerRequest } from './factory.js';
export { SharedInformer, type EventHandlers, type HandlerRegistration, type SharedInformerOptions } from './shared-informer.js';
export { Reflector, type ReflectorOptions, type ReflectorSink } from './reflector.js';
export { Indexer, objectKey, splitKey, fieldIndex, labelIndex, namespaceIndex, NAMESPACE_INDEX, type IndexFunc } from './store.js';
export { DeletedFinalStateUnknown, relistDiff, type RelistDiff } from './relist.js';
