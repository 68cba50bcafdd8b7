// core/v1 PodTemplate: a stored pod template (kind PodTemplate, resource podtemplates).
import type { Static } from '@sinclair/typebox';
import { opt } from '../../schema.js';
import { use } from '../../meta/v1/types.js';
import type { KubeObject, ObjectMetaLike, ResourceDef } from '../../resource.js';
import { CORE, kindObject } from './common.js';
import { PodTemplateSpec } from './pod-spec.js';
import { validatePodTemplateSpec } from './pod-validation.js';
import { defaultPodTemplate, containersAndImages, formatLabels } from './workload-template.js';

export const PodTemplateSchema = kindObject(`${CORE}.PodTemplate`, { group: '', version: 'v1', kind: 'PodTemplate' }, {
  template: opt(2, use(PodTemplateSpec)),
}, 'PodTemplate describes a template for creating copies of a predefined pod.');
export type PodTemplate = Omit<Static<typeof PodTemplateSchema>, 'metadata'> & KubeObject & { metadata: ObjectMetaLike };

export const podTemplateDef: ResourceDef<PodTemplate> = {
  group: '',
  version: 'v1',
  kind: 'PodTemplate',
  listKind: 'PodTemplateList',
  plural: 'podtemplates',
  singular: 'podtemplate',
  namespaced: true,
  schema: PodTemplateSchema,
  defaults: (t) => defaultPodTemplate(t.template),
  validate: (t) => validatePodTemplateSpec(t.template, 'template'),
  validateUpdate: (t) => validatePodTemplateSpec(t.template, 'template'),
  table: {
    columns: [
      { name: 'Containers', type: 'string', priority: 0, description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', priority: 0, description: 'Images referenced by each container in the template.' },
      { name: 'Pod Labels', type: 'string', priority: 0, description: 'The labels for the pod template.' },
    ],
    cells(t) {
      const [containers, images] = containersAndImages(t.template);
      return [containers, images, formatLabels(t.template?.metadata?.labels)];
    },
  },
  description: 'PodTemplate describes a template for creating copies of a predefined pod.',
};
