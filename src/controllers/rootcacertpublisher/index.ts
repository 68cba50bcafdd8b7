export { createRootCACertPublisher, rootCAOf, ROOT_CA_CONFIGMAP, DESCRIPTION_ANNOTATION, DESCRIPTION } from './controller.js';
