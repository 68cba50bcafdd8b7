// `k8ts images`: image tools for a node without a registry.
//   k8ts images import FILE... [--socket S]   import OCI/Docker archives into the node's containerd
//   k8ts images build-demo --out DIR          build the busybox demo images (busybox + pause)
import { parseArgs } from 'node:util';
import { DEFAULT_CONTAINERD_SOCKET } from '../kubelet/runtime/containerd.js';
import { buildDemoImages, DEMO_BUSYBOX_IMAGE, DEMO_PAUSE_IMAGE, importImageArchive } from '../kubelet/runtime/images.js';

const usage = `usage:
  k8ts images import FILE... [--socket PATH]   import image archives (default socket ${DEFAULT_CONTAINERD_SOCKET})
  k8ts images build-demo --out DIR             build ${DEMO_BUSYBOX_IMAGE} and ${DEMO_PAUSE_IMAGE} from /bin/busybox
`;

export async function main(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'import') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { socket: { type: 'string' } } });
    if (positionals.length === 0) throw new Error(`images import: no archive given\n${usage}`);
    const socket = values.socket ?? DEFAULT_CONTAINERD_SOCKET;
    for (const file of positionals) {
      const names = await importImageArchive(socket, file);
      process.stdout.write(`imported ${file}: ${names.join(', ') || '(no named images)'}\n`);
    }
    return;
  }
  if (sub === 'build-demo') {
    const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
    if (!values.out) throw new Error(`images build-demo: --out DIR is required\n${usage}`);
    const file = await buildDemoImages({ outDir: values.out });
    process.stdout.write(`${file}: ${DEMO_BUSYBOX_IMAGE}, ${DEMO_PAUSE_IMAGE}\n`);
    return;
  }
  if (!sub || sub === 'help' || sub === '--help') {
    process.stdout.write(usage);
    return;
  }
  throw new Error(`images: unknown sub-command "${sub}"\n${usage}`);
}
