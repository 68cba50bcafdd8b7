#!/usr/bin/env node
// The `k8ts` command: one binary, a sub-command per component (as the seed's one unit per component).
const [, , sub, ...rest] = process.argv;

// Each command lives in src/cmd/<name>.ts and exports main(args). Loaded by name so that starting
// one component never loads the others' code.
const commands: Record<string, string> = {
  server: 'run the whole cluster on this machine (store, API server, controllers, scheduler, kubelet)',
  apiserver: 'the API server over the embedded store or etcd',
  'controller-manager': 'the controllers that restore desired state',
  scheduler: 'places pods on nodes through the binding API',
  kubelet: 'runs the pods bound to this node through containerd',
  'hollow-nodes': 'N simulated nodes in one process (for scale tests)',
  proxy: 'the service proxy: programs nftables so every Service is reachable on this node',
  dns: 'cluster DNS: answers <service>.<namespace>.svc.cluster.local from the API',
  images: 'image tools: import archives into the node runtime',
};
type CommandModule = { main(args: string[]): Promise<void> };

async function run(): Promise<void> {
  if (!sub || sub === '--help' || sub === 'help') {
    process.stdout.write(`usage: k8ts <command> [flags]\n\ncommands:\n${Object.entries(commands).map(([c, d]) => `  ${c.padEnd(20)}${d}`).join('\n')}\n`);
    return;
  }
  if (!Object.hasOwn(commands, sub)) {
    process.stderr.write(`k8ts: unknown command "${sub}"\n`);
    process.exit(2);
  }
  const mod = (await import(`./${sub}.js`)) as CommandModule;
  await mod.main(rest);
}

run().catch((err) => {
  process.stderr.write(`k8ts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
