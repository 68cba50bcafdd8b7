// The Table (meta.k8s.io/v1) the server returns when kubectl asks for
// `application/json;as=Table;g=meta.k8s.io;v=v1`, and PartialObjectMetadata (the object form
// embedded in rows by default, and what `as=PartialObjectMetadata` requests get).
import { Type, type Static, opt, req, str, int32, atomicList, object } from '../../schema.js';
import { use, ListMeta, ObjectMeta, typeMetaProps } from './types.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const TableColumnDefinition = object(`${META}.TableColumnDefinition`, {
  name: req(1, str()),
  type: req(2, str()),
  format: req(3, str()),
  description: req(4, str()),
  priority: req(5, int32()),
}, 'TableColumnDefinition contains information about a column returned in the Table.');
export type TableColumnDefinition = Static<typeof TableColumnDefinition>;

export const TableRowCondition = object(`${META}.TableRowCondition`, {
  type: req(1, str()),
  status: req(2, str()),
  reason: opt(3, str()),
  message: opt(4, str()),
}, 'TableRowCondition allows a row to be marked with additional information.');
export type TableRowCondition = Static<typeof TableRowCondition>;

export const TableRow = object(`${META}.TableRow`, {
  // Cells are free-form JSON values (string, number, boolean, object) in column order.
  cells: req(1, atomicList(Type.Unknown())),
  conditions: opt(2, atomicList(use(TableRowCondition))),
  object: opt(3, Type.Object({}, { additionalProperties: true, 'x-pb-type': 'rawextension', 'x-kubernetes-embedded-resource': true })),
}, 'TableRow is an individual row in a table.');
export type TableRow = Static<typeof TableRow>;

export const Table = object(`${META}.Table`, {
  ...typeMetaProps(),
  metadata: opt(1, use(ListMeta)),
  columnDefinitions: req(2, atomicList(use(TableColumnDefinition))),
  rows: req(3, atomicList(use(TableRow))),
}, 'Table is a tabular representation of a set of API resources.');
export type Table = Static<typeof Table>;

export const PartialObjectMetadata = object(`${META}.PartialObjectMetadata`, {
  ...typeMetaProps(),
  metadata: opt(1, use(ObjectMeta)),
}, 'PartialObjectMetadata is a generic representation of any object with ObjectMeta.');
export type PartialObjectMetadata = Static<typeof PartialObjectMetadata>;

export const PartialObjectMetadataList = object(`${META}.PartialObjectMetadataList`, {
  ...typeMetaProps(),
  metadata: opt(1, use(ListMeta)),
  items: req(2, atomicList(use(PartialObjectMetadata))),
}, 'PartialObjectMetadataList contains a list of objects containing only their metadata.');
export type PartialObjectMetadataList = Static<typeof PartialObjectMetadataList>;

/** apiVersion of Table and PartialObjectMetadata as served. */
export const META_GROUP_VERSION = 'meta.k8s.io/v1';
