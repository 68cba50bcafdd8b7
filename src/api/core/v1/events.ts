// core/v1 Event: what happened to an object (reason, message, counts), written by every component.
// `kubectl get events` prints LAST SEEN TYPE REASON OBJECT MESSAGE: no NAME column first.
import { type Static, opt, req, str, int32, time, microTime, object } from '../../schema.js';
import type { KubeObject, ResourceDef, TableDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';
import { isDNS1123Subdomain } from '../../../machinery/validation/names.js';
import { CORE, kindObject, ObjectReference } from './common.js';
import { validateQualifiedName } from './field-util.js';
import { age } from '../../printers/age.js';

export const EventSource = object(`${CORE}.EventSource`, {
  component: opt(1, str()),
  host: opt(2, str()),
}, 'EventSource contains information for an event.');

export const EventSeries = object(`${CORE}.EventSeries`, {
  count: opt(1, int32()),
  lastObservedTime: opt(2, microTime()),
}, 'EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.');

export const EventSchema = kindObject(`${CORE}.Event`, { group: '', version: 'v1', kind: 'Event' }, {
  involvedObject: req(2, use(ObjectReference)),
  reason: opt(3, str()),
  message: opt(4, str()),
  source: opt(5, use(EventSource)),
  firstTimestamp: opt(6, time()),
  lastTimestamp: opt(7, time()),
  count: opt(8, int32()),
  type: opt(9, str()),
  eventTime: opt(10, microTime()),
  series: opt(11, use(EventSeries)),
  action: opt(12, str()),
  related: opt(13, use(ObjectReference)),
  reportingComponent: opt(14, str()),
  reportingInstance: opt(15, str()),
}, 'Event is a report of an event somewhere in the cluster.');
export type Event = Static<typeof EventSchema> & KubeObject;

const LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

/**
 * legacyValidateEvent as the core/v1 API applies it: old-style events (no eventTime) must sit in
 * their object's namespace; new-style ones need the reporting fields.
 */
export function validateEvent(e: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = e.metadata.namespace ?? '';
  const involvedNs = e.involvedObject?.namespace ?? '';
  const mismatch = () => fieldErrors.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (!e.eventTime) {
    if (!involvedNs) {
      if (ns !== '' && ns !== 'default') errs.push(mismatch());
    } else if (ns !== involvedNs) {
      errs.push(mismatch());
    }
  } else {
    if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch());
    const rc = e.reportingComponent ?? '';
    if (!rc) errs.push(fieldErrors.required('reportingComponent'));
    errs.push(...validateQualifiedName(rc, 'reportingComponent'));
    const ri = e.reportingInstance ?? '';
    if (!ri) errs.push(fieldErrors.required('reportingInstance'));
    if (ri.length > LENGTH_LIMIT) errs.push(fieldErrors.invalid('reportingInstance', '', `can have at most ${LENGTH_LIMIT} characters`));
    const action = e.action ?? '';
    if (!action) errs.push(fieldErrors.required('action'));
    if (action.length > LENGTH_LIMIT) errs.push(fieldErrors.invalid('action', '', `can have at most ${LENGTH_LIMIT} characters`));
    const reason = e.reason ?? '';
    if (!reason) errs.push(fieldErrors.required('reason'));
    if (reason.length > LENGTH_LIMIT) errs.push(fieldErrors.invalid('reason', '', `can have at most ${LENGTH_LIMIT} characters`));
    if ((e.message ?? '').length > NOTE_LENGTH_LIMIT) errs.push(fieldErrors.invalid('message', '', `can have at most ${NOTE_LENGTH_LIMIT} characters`));
  }
  for (const msg of isDNS1123Subdomain(ns)) errs.push(fieldErrors.invalid('namespace', ns, msg));
  return errs;
}

/** formatEventSource: "component, host" (falling back to the reporting fields). */
export function formatEventSource(e: Event): string {
  const component = e.source?.component || e.reportingComponent || '';
  const instance = e.source?.host || e.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

/** The row printEvent builds, all ten cells (the server always prints wide). */
export function eventCells(e: Event, now: number): unknown[] {
  const first = e.firstTimestamp ? age(e.firstTimestamp, now) : age(e.eventTime, now);
  let last = e.lastTimestamp ? age(e.lastTimestamp, now) : first;
  let count = e.count ?? 0;
  if (e.series) {
    last = age(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    count = 1; // singleton events of the new API carry no count
  }
  const kind = (e.involvedObject?.kind ?? '').toLowerCase();
  const target = e.involvedObject?.name ? `${kind}/${e.involvedObject.name}` : kind;
  return [last, e.type ?? '', e.reason ?? '', target, e.involvedObject?.fieldPath ?? '', formatEventSource(e), (e.message ?? '').trim(), first, count, e.metadata.name ?? ''];
}

/**
 * The events table. Kubernetes' columns start with LAST SEEN, and NAME comes last (wide only), so
 * the server must not prepend its own NAME column for this table: `includesName` says so.
 */
export const eventTable: TableDef<Event> & { includesName: true } = {
  includesName: true,
  columns: [
    { name: 'Last Seen', type: 'string', priority: 0, description: 'The time at which the most recent occurrence of this event was recorded.' },
    { name: 'Type', type: 'string', priority: 0, description: 'Type of this event (Normal, Warning), new types could be added in the future' },
    { name: 'Reason', type: 'string', priority: 0, description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status." },
    { name: 'Object', type: 'string', priority: 0, description: 'The object that this event is about.' },
    { name: 'Subobject', type: 'string', priority: 1, description: 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.' },
    { name: 'Source', type: 'string', priority: 1, description: 'The component reporting this event. Should be a short machine understandable string.' },
    { name: 'Message', type: 'string', priority: 0, description: 'A human-readable description of the status of this operation.' },
    { name: 'First Seen', type: 'string', priority: 1, description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)' },
    { name: 'Count', type: 'string', priority: 1, description: 'The number of times this event has occurred.' },
    { name: 'Name', type: 'string', format: 'name', priority: 1, description: 'Name must be unique within a namespace.' },
  ],
  cells: eventCells,
};

export const events: ResourceDef<Event> = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  plural: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  schema: EventSchema,
  validate: validateEvent,
  table: eventTable,
  fieldSelectors: {
    'involvedObject.kind': (e) => e.involvedObject?.kind ?? '',
    'involvedObject.namespace': (e) => e.involvedObject?.namespace ?? '',
    'involvedObject.name': (e) => e.involvedObject?.name ?? '',
    'involvedObject.uid': (e) => e.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (e) => e.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (e) => e.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (e) => e.involvedObject?.fieldPath ?? '',
    reason: (e) => e.reason ?? '',
    reportingComponent: (e) => e.reportingComponent ?? '',
    source: (e) => e.source?.component || e.reportingComponent || '',
    type: (e) => e.type ?? '',
  },
  description: 'Event is a report of an event somewhere in the cluster.',
};
