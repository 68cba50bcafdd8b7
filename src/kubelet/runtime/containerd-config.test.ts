import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bridgeNameFor, cniConflist, containerdConfig, nodeLayout } from './containerd-config.js';

describe('containerd config', () => {
  const l = nodeLayout('/var/lib/k8ts/node1');
  const toml = containerdConfig(l, {
    sandboxImage: 'k8ts.local/pause:1', runcBinary: '/usr/sbin/runc', cniBinDir: '/usr/lib/cni', streamAddress: '127.0.0.1', streamPort: '0',
  });

  it("puts containerd's root (images) on the state tmpfs unless asked to keep it on disk", () => {
    assert.equal(l.root, '/var/lib/k8ts/node1/state/root');
    assert.equal(l.runcRoot, '/var/lib/k8ts/node1/state/runc');
    const disk = nodeLayout('/var/lib/k8ts/node1', { imagesOnDisk: true });
    assert.equal(disk.root, '/var/lib/k8ts/node1/root');
    assert.ok(!disk.root.startsWith(disk.state));
  });

  it('keeps every path of the node under its own directory', () => {
    for (const key of ['root', 'state', 'address', 'path', 'Root', 'conf_dir', 'config_path']) {
      const values = [...toml.matchAll(new RegExp(`^\\s*${key} = "([^"]*)"`, 'gm'))].map((m) => m[1]!);
      assert.ok(values.length > 0, key);
      for (const v of values) assert.ok(v.startsWith('/var/lib/k8ts/node1/'), `${key} = ${v}`);
    }
  });

  it('sets what this machine needs: restrict_oom_score_adj, runc, cgroupfs, one CNI conf', () => {
    assert.match(toml, /restrict_oom_score_adj = true/);
    assert.match(toml, /BinaryName = "\/usr\/sbin\/runc"/);
    assert.match(toml, /SystemdCgroup = false/);
    assert.match(toml, /max_conf_num = 1/);
    assert.match(toml, /sandbox_image = "k8ts.local\/pause:1"/);
    assert.match(toml, /stream_server_address = "127.0.0.1"/);
  });

  it('writes a bridge + host-local + portmap list (lo is containerd\'s own) on the pod subnet with its own lease dir', () => {
    const conf = JSON.parse(cniConflist({ podCIDR: '10.244.3.0/24', bridge: 'k8tsabc', ipamDir: '/x/ipam', ipMasq: false }));
    assert.deepEqual(conf.plugins.map((p: { type: string }) => p.type), ['bridge', 'portmap']);
    assert.equal(conf.plugins[0].bridge, 'k8tsabc');
    assert.equal(conf.plugins[0].ipMasq, false);
    assert.equal(conf.plugins[0].ipam.dataDir, '/x/ipam');
    assert.deepEqual(conf.plugins[0].ipam.ranges, [[{ subnet: '10.244.3.0/24' }]]);
  });

  it('names bridges per node directory, within the 15-byte interface limit', () => {
    assert.notEqual(bridgeNameFor('/a'), bridgeNameFor('/b'));
    assert.equal(bridgeNameFor('/a'), bridgeNameFor('/a'));
    assert.ok(bridgeNameFor('/a').length <= 15);
  });
});
