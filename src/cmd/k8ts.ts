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
  agent: 'join this machine to a cluster as a node (kubelet, containerd, proxy, pod network)',
  'hollow-nodes': 'N simulated nodes in one process (for scale tests)',
  proxy: 'the service proxy: programs nftables so every Service is reachable on this node',
  dns: 'cluster DNS: answers <service>.<namespace>.svc.cluster.local from the API',
  images: 'image tools: import archives into the node runtime',
  install: 'set up k8ts as system services without a package: install server|agent',
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
  // Config files (/etc/k8ts), --help from the declarations and the data-format check: src/cmd/config/prepare.ts.
  const { prepareArgs } = await import('./config/prepare.js');
  const args = await prepareArgs(sub, rest);
  if (!args) return;
  const mod = (await import(`./${sub}.js`)) as CommandModule;
  // The clock's timers are unref'd (they must not keep tests alive); a command waiting on one of
  // them alone (a retry back-off while its server is not up yet) must not exit silently.
  const alive = setInterval(() => undefined, 1 << 30);
  try {
    await mod.main(args);
  } finally {
    clearInterval(alive);
  }
}

run().catch((err) => {
  process.stderr.write(`k8ts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
