#!/usr/bin/env node
// The `k8ts` command: one binary, a sub-command per component (as the seed's one unit per component).
const [, , sub, ...rest] = process.argv;

const commands: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  apiserver: () => import('./apiserver.js'),
};

async function run(): Promise<void> {
  if (!sub || sub === '--help' || sub === 'help') {
    process.stdout.write(`usage: k8ts <command> [flags]\n\ncommands:\n${Object.keys(commands).map((c) => '  ' + c).join('\n')}\n`);
    return;
  }
  const load = commands[sub];
  if (!load) {
    process.stderr.write(`k8ts: unknown command "${sub}"\n`);
    process.exit(2);
  }
  const mod = await load();
  await mod.main(rest);
}

run().catch((err) => {
  process.stderr.write(`k8ts: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
