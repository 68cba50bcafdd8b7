import { resourceRef } from '../../client/rest.js';

export const PDBS = resourceRef('policy', 'v1', 'poddisruptionbudgets');
