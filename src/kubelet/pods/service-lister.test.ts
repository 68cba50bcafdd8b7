import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Service } from '../../api/core/v1/services.js';
import { Indexer, type RestClient } from '../../client/index.js';
import { serviceLister } from './service-lister.js';

const svc = (namespace: string, name: string): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec: {} } as Service);

/** A client that only answers LIST, and counts how often it was asked (the API round trips). */
function listingClient(items: Service[]): { client: RestClient; lists: string[] } {
  const lists: string[] = [];
  const client = { list: async (_r: unknown, o: { namespace: string }) => { lists.push(o.namespace); return { items: items.filter((s) => s.metadata.namespace === o.namespace) }; } };
  return { client: client as unknown as RestClient, lists };
}

it('reads a namespace\'s services from the synced cache, with no request to the API server', async () => {
  const indexer = new Indexer<Service>();
  for (const s of [svc('a', 'one'), svc('a', 'two'), svc('b', 'three')]) indexer.set(s);
  const { client, lists } = listingClient([]);
  const list = serviceLister(client, { hasSynced: () => true, indexer });
  assert.deepEqual((await list('a')).map((s) => s.metadata.name).sort(), ['one', 'two']);
  assert.deepEqual((await list('c')), []);
  assert.deepEqual(lists, []);
});

it('lists from the API server while the cache has not synced yet', async () => {
  const { client, lists } = listingClient([svc('a', 'one'), svc('b', 'x')]);
  const list = serviceLister(client, { hasSynced: () => false, indexer: new Indexer<Service>() });
  assert.deepEqual((await list('a')).map((s) => s.metadata.name), ['one']);
  assert.deepEqual(lists, ['a']);
});
