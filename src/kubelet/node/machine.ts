// The real machine as the kubelet reports it (cAdvisor's role): cores, memory, the root directory's
// filesystem, OS identity, and current availability for the pressure conditions.
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { MachineInfo, MachineSample } from '../types.js';

function read(path: string): string {
  try { return readFileSync(path, 'utf8').trim(); } catch { return ''; }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(read('/etc/os-release'));
  return m?.[1] ?? 'Linux';
}

function memAvailable(): number {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(read('/proc/meminfo'));
  return m ? Number(m[1]) * 1024 : os.freemem();
}

function pidsInUse(): number {
  try { return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).length; } catch { return 0; }
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export function readMachineInfo(rootDir: string): MachineInfo {
  const fsAt = (): { capacity: number; available: number } => {
    try {
      const s = statfsSync(rootDir);
      return { capacity: s.blocks * s.bsize, available: s.bavail * s.bsize };
    } catch { return { capacity: 0, available: 0 }; }
  };
  return {
    hostname: os.hostname(),
    cpuCores: os.cpus().length,
    memoryBytes: os.totalmem(),
    ephemeralStorageBytes: fsAt().capacity,
    osImage: osImage(),
    kernelVersion: os.release(),
    architecture: ARCH[process.arch] ?? process.arch,
    operatingSystem: 'linux',
    machineID: read('/etc/machine-id'),
    systemUUID: read('/sys/class/dmi/id/product_uuid') || read('/etc/machine-id'),
    bootID: read('/proc/sys/kernel/random/boot_id'),
    sample(): MachineSample {
      const f = fsAt();
      return { memoryAvailableBytes: memAvailable(), diskAvailableBytes: f.available, diskCapacityBytes: f.capacity, pidsInUse: pidsInUse(), pidsMax: Number(read('/proc/sys/kernel/pid_max')) || 32768 };
    },
  };
}
