// Runs iproute2 (`ip`, `bridge`) for the pod network. One place, so tests can see every command
// the network code issues and errors carry the command that failed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type IpRunner = (cmd: 'ip' | 'bridge', args: string[]) => Promise<string>;

export const runIp: IpRunner = async (cmd, args) => {
  try {
    const { stdout } = await run(cmd, args, { timeout: 10_000 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${(e.stderr ?? String(err)).trim()}`);
  }
};
