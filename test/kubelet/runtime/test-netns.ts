// A network namespace for one test node, linked to the host by a veth pair: the node's containerd
// (and so CNI, its bridge, its iptables/nftables rules and the pods) runs inside, the host gets a
// route to the pod subnet through the veth. Deleting the namespace removes the veth pair, the
// route and every rule made inside it, so the host's nftables stay as they were.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestNetns {
  name: string;
  /** /run/netns/<name>, for nsenter --net. */
  path: string;
  /** The namespace's end of the veth (reachable from the host). */
  innerAddress: string;
  hostAddress: string;
  destroy(): Promise<void>;
}

/** A /30 for the veth link, derived from the pod subnet (10.A.B.0/24 -> 100.(64+A%64).B.0/30) so nodes differ. */
export function linkAddresses(podCIDR: string): { host: string; inner: string } {
  const [a, b] = podCIDR.split('.').slice(1, 3).map(Number) as [number, number];
  const base = `100.${64 + (a % 64)}.${b}`;
  return { host: `${base}.1`, inner: `${base}.2` };
}

export async function createTestNetns(name: string, podCIDR: string): Promise<TestNetns> {
  const { host, inner } = linkAddresses(podCIDR);
  const hostIf = `${name.slice(0, 12)}-h`;
  const ns = ['-n', name];
  let destroyed = false;
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    // The veth pair (and the host route through it) goes with the namespace.
    await run('ip', ['netns', 'del', name]).catch(() => undefined);
    await run('ip', ['link', 'del', hostIf]).catch(() => undefined);
  };
  try {
    await run('ip', ['netns', 'add', name]);
    for (const args of [
      [...ns, 'link', 'set', 'lo', 'up'],
      ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name],
      ['addr', 'add', `${host}/30`, 'dev', hostIf],
      ['link', 'set', hostIf, 'up'],
      [...ns, 'addr', 'add', `${inner}/30`, 'dev', 'eth0'],
      [...ns, 'link', 'set', 'eth0', 'up'],
      [...ns, 'route', 'add', 'default', 'via', host],
      ['route', 'add', podCIDR, 'via', inner, 'dev', hostIf],
    ]) await run('ip', args);
  } catch (err) {
    await destroy();
    throw err;
  }
  return { name, path: `/run/netns/${name}`, innerAddress: inner, hostAddress: host, destroy };
}
