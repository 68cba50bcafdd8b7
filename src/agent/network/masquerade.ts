// Pods keep their addresses inside the cluster: traffic between pod subnets (on any node) is not
// NATed; only traffic from a pod to outside the cluster CIDR is masqueraded. Our own nftables
// table, so nothing else's rules are touched and removal is one command.
import { execFile } from 'node:child_process';

export const NET_TABLE = 'k8ts-net';

export function masqueradeRuleset(clusterCIDR: string): string {
  return [
    `table ip ${NET_TABLE} {}`,
    `delete table ip ${NET_TABLE}`,
    `table ip ${NET_TABLE} {`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    ip saddr ${clusterCIDR} ip daddr != ${clusterCIDR} masquerade`,
    '  }',
    '}',
    '',
  ].join('\n');
}

function nft(input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = execFile('nft', ['-f', '-'], { timeout: 10_000 }, (err, _out, stderr) => (err ? reject(new Error(`nft: ${stderr || err.message}`)) : resolve()));
    p.stdin!.end(input);
  });
}

export function installMasquerade(clusterCIDR: string): Promise<void> {
  return nft(masqueradeRuleset(clusterCIDR));
}

export async function removeMasquerade(): Promise<void> {
  await nft(`table ip ${NET_TABLE} {}\ndelete table ip ${NET_TABLE}\n`).catch(() => undefined);
}
