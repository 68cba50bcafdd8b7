#!/usr/bin/env node
// A multi-machine k8ts cluster on this box for experiments: each "machine" is a network namespace
// on a private switch; `k8ts server` runs on the first, `k8ts agent` on the others (HA: several
// servers on three etcd members). Ctrl-C stops everything and removes every namespace and file.
//   node scripts/dev-cluster.mjs [--agents N] [--servers N --etcd] [--backend host-gw|vxlan]
// Needs a build (npm test or ./k8ts server builds it) and root.
import { startCluster } from '../dist/test/e2e/multinode/machines.js';

const arg = (name, dflt) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : dflt; };
const servers = Number(arg('--servers', '1'));
const c = await startCluster({
  name: 'dev', agents: Number(arg('--agents', '2')), servers, etcd: process.argv.includes('--etcd') || servers > 1,
  backend: arg('--backend', 'host-gw'),
});
const m0 = c.server;
process.stdout.write(`cluster up: ${[...c.servers, ...c.agents].map((m) => `${m.name} (${m.ip}, netns ${m.netns})`).join(', ')}
kubectl:  nsenter --net=/run/netns/${m0.netns} kubectl --kubeconfig ${c.kubeconfig} get nodes -o wide
a shell on a machine: nsenter --net=/run/netns/<netns> bash
Ctrl-C removes everything.
`);
await new Promise((resolve) => { process.once('SIGINT', resolve); process.once('SIGTERM', resolve); });
await c.close();
