// What /version answers. The minor version matters beyond display: /usr/bin/kubectl (gcloud's
// dispatcher) runs the kubectl binary matching the server's minor, so "32" selects kubectl 1.32.
import { arch, platform } from 'node:process';

export const KUBE_MAJOR = '1';
export const KUBE_MINOR = '32';
export const GIT_VERSION = `v${KUBE_MAJOR}.${KUBE_MINOR}.0-k8ts`;

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export function versionInfo(overrides: Partial<VersionInfo> = {}): VersionInfo {
  return {
    major: KUBE_MAJOR,
    minor: KUBE_MINOR,
    gitVersion: GIT_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '1970-01-01T00:00:00Z',
    // Fields Go clients expect; we say honestly what runs the server.
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${platform}/${GOARCH[arch] ?? arch}`,
    ...overrides,
  };
}
