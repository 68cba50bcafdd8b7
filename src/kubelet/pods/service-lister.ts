// The services a container's environment is built from (enableServiceLinks), read from an informer
// cache as the kubelet's service lister does, not listed from the API server for every container
// start: a batch of 30 pods made 30 LIST requests for the same few services. Until the cache has
// synced (the first moments of a kubelet), a LIST answers instead.
import type { Service } from '../../api/core/v1/services.js';
import { NAMESPACE_INDEX, type RestClient, type SharedInformer } from '../../client/index.js';
import { SERVICES } from '../types.js';

export type ServiceLister = (namespace: string) => Promise<Service[]>;

export function serviceLister(client: RestClient, informer: Pick<SharedInformer<Service>, 'hasSynced' | 'indexer'>): ServiceLister {
  return async (namespace) => {
    if (informer.hasSynced()) return informer.indexer.byIndex(NAMESPACE_INDEX, namespace);
    return (await client.list<Service>(SERVICES, { namespace })).items;
  };
}
