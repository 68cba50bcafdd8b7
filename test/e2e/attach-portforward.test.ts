// `kubectl attach`, `kubectl port-forward` and termination messages end to end: the real kubectl
// (1.32 through the gcloud dispatcher, 1.27 and 1.33) -> API server (pods/attach, pods/portforward)
// -> kubelet (/attach, /portForward) -> containerd's streaming server. kubectl 1.31+ first tries
// WebSocket: port-forward's SPDY-in-WebSocket tunnel is served; attach's v5.channel.k8s.io is
// refused and kubectl falls back to SPDY. Every version must end up working.
// One server for the whole file, in a network namespace of its own (server-process.ts); kubectl
// and the TCP clients run inside that namespace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServerProcess, run, type ServerProcess } from './server-process.js';

const KUBECTL = '/usr/bin/kubectl';
const SDK = '/usr/lib/google-cloud-sdk/bin';
const VERSIONS: [string, string][] = [['1.32', KUBECTL], ['1.27', join(SDK, 'kubectl.1.27')], ['1.33', join(SDK, 'kubectl.1.33')]];

let sp: ServerProcess;
const children = new Set<ChildProcess>();

const container = (name: string, command: string[], extra: Record<string, unknown> = {}) =>
  ({ name, image: 'k8ts.local/busybox:1', imagePullPolicy: 'Never', command, ...extra });
const pod = (name: string, containers: unknown[], extra: Record<string, unknown> = {}, labels: Record<string, string> = {}) =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { terminationGracePeriodSeconds: 1, ...extra, containers } });

interface TerminatedState { exitCode: number; message?: string }
interface PodView { status: { phase?: string; containerStatuses?: { name: string; state: { terminated?: TerminatedState } }[] } }
const podView = async (name: string) => JSON.parse(await sp.kubectl('get', 'pod', name, '-o', 'json')) as PodView;

/** Starts a kubectl that keeps running (attach, port-forward); output is collected as it comes. */
function startKubectl(bin: string, args: string[], opts: { tty?: boolean } = {}) {
  const kargs = ['--kubeconfig', sp.kubeconfig, '--cache-dir', join(sp.dir, 'kcache'), ...args];
  // `script` gives kubectl a pseudo-terminal, as `-t` needs one on its side.
  const [cmd, argv] = opts.tty
    ? sp.inNetns('script', ['-qfec', [bin, ...kargs].map((a) => `'${a}'`).join(' '), '/dev/null'])
    : sp.inNetns(bin, kargs);
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: sp.dir, TERM: 'dumb' } });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => { out.stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { out.stderr += c.toString(); });
  child.stdin!.on('error', () => undefined);
  return {
    child, out,
    wait: (what: string, ms: number, ok: () => boolean) => sp.until(`${what} (kubectl ${args.join(' ')}; stdout ${JSON.stringify(out.stdout)}, stderr ${JSON.stringify(out.stderr)})`, ms, async () => ok()),
    stop() { child.kill('SIGKILL'); children.delete(child); },
  };
}

// A TCP client run inside the server's namespace: opens the connections in parallel, sends each
// its own text, reads until it comes back (or the connection closes) and prints what each got.
const CLIENT = `
const net = require('node:net');
const [port, count, waitMs] = process.argv.slice(1).map(Number);
Promise.all(Array.from({ length: count }, (_, i) => new Promise((resolve) => {
  const sent = 'conn-' + i + '-' + 'x'.repeat(1000 * i) + '\\n';
  let got = '';
  const s = net.connect(port, '127.0.0.1', () => s.write(sent));
  const t = setTimeout(() => { s.destroy(); resolve({ sent, got, closed: false }); }, waitMs);
  s.on('data', (d) => { got += d; if (got === sent) { clearTimeout(t); s.destroy(); resolve({ sent, got, closed: false }); } });
  s.on('error', () => undefined);
  s.on('close', () => { clearTimeout(t); resolve({ sent, got, closed: true }); });
}))).then((r) => { process.stdout.write(JSON.stringify(r), () => process.exit(0)); });
`;
async function tcpClient(port: number, count: number, waitMs = 10_000): Promise<{ sent: string; got: string; closed: boolean }[]> {
  const [cmd, argv] = sp.inNetns(process.execPath, ['-e', CLIENT, String(port), String(count), String(waitMs)]);
  const { stdout } = await run(cmd, argv, { timeout: waitMs + 10_000 });
  return JSON.parse(stdout) as { sent: string; got: string; closed: boolean }[];
}

/** kubectl port-forward with a random local port; resolves to that port once kubectl listens. */
async function portForward(bin: string, target: string, remote: number) {
  // -v=6 logs each request with its answer: which upgrade (WebSocket GET or SPDY POST) got the 101.
  const pf = startKubectl(bin, ['-v=6', 'port-forward', target, `:${remote}`]);
  let local = 0;
  await pf.wait('port-forward listening', 30_000, () => {
    const m = /Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/.exec(pf.out.stdout);
    if (m) local = Number(m[1]);
    return local > 0;
  });
  return { ...pf, local };
}

before(async () => {
  sp = await startServerProcess({ name: 'attach', podCIDR: '10.250.11.0/24' });
  const file = join(sp.dir, 'objects.json');
  const sh = (script: string) => ['sh', '-c', script];
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'List', items: [
      pod('shell', [container('main', ['sh'], { stdin: true, tty: true })]),
      pod('reader', [container('main', sh('while read line; do echo "got $line"; done'), { stdin: true })]),
      pod('ticker', [container('main', sh('i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.3; done'))]),
      pod('echo', [container('main', ['nc', '-ll', '-p', '9000', '-e', 'cat'], { ports: [{ containerPort: 9000 }] })], {}, { app: 'echo' }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo' }, spec: { selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 9000 }] } },
      pod('tm-file', [container('main', sh('printf "bye from file" > /dev/termination-log; exit 0'))], { restartPolicy: 'Never' }),
      pod('tm-path', [container('main', sh('echo custom > /tmp/why; exit 2'), { terminationMessagePath: '/tmp/why' })], { restartPolicy: 'Never' }),
      pod('tm-logs', [container('main', sh('i=1; while [ $i -le 100 ]; do echo "log $i"; i=$((i+1)); done; exit 1'), { terminationMessagePolicy: 'FallbackToLogsOnError' })], { restartPolicy: 'Never' }),
      pod('tm-ok', [container('main', sh('echo fine; exit 0'), { terminationMessagePolicy: 'FallbackToLogsOnError' })], { restartPolicy: 'Never' }),
    ],
  }));
  await sp.kubectl('apply', '-f', file);
  await sp.until('the long-running pods running', 90_000, async () => {
    for (const n of ['shell', 'reader', 'ticker', 'echo']) if ((await podView(n)).status.phase !== 'Running') return false;
    return true;
  });
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await sp?.close();
});

test('kubectl attach -it reaches the shell of a container started with stdin and tty', async () => {
  // One version after the other: they would share one terminal and could interleave keystrokes.
  for (const [v, bin] of VERSIONS) {
    const a = startKubectl(bin, ['attach', '-it', 'shell'], { tty: true });
    try {
      // The shell's prompt is not repeated on attach; typing a command shows it runs there.
      await a.wait(`${v}: attached`, 20_000, () => a.out.stdout.includes("If you don't see a command prompt"));
      a.child.stdin!.write(`echo "from-$((40+2))-${v}"\r`);
      await a.wait(`${v}: the command's output`, 20_000, () => a.out.stdout.includes(`from-42-${v}`));
    } finally {
      a.stop();
    }
  }
});

test('kubectl attach -i feeds stdin to a container started with stdin and reads its output', async () => {
  // The three kubectl versions at once: each checks only what its own input or connection gave.
  await Promise.all(VERSIONS.map(async ([v, bin]) => {
    const a = startKubectl(bin, ['attach', '-i', 'reader']);
    try {
      // Written at once: kubectl reads it from the pipe once the stream is up.
      a.child.stdin!.write(`ping-${v}\n`);
      await a.wait(`${v}: the echoed line`, 20_000, () => a.out.stdout.includes(`got ping-${v}\n`));
    } finally {
      a.stop();
    }
  }));
});

test('kubectl attach without -i streams what the container prints from now on', async () => {
  // The three kubectl versions at once: each checks only what its own input or connection gave.
  await Promise.all(VERSIONS.map(async ([v, bin]) => {
    const a = startKubectl(bin, ['attach', 'ticker']);
    try {
      await a.wait(`${v}: two ticks`, 20_000, () => (a.out.stdout.match(/tick \d+\n/g) ?? []).length >= 2);
      const first = Number(/tick (\d+)/.exec(a.out.stdout)![1]);
      assert.ok(first > 1, `attach does not replay the log from the start (first tick seen: ${first})`);
    } finally {
      a.stop();
    }
  }));
});

test('kubectl port-forward pod carries several connections both ways', async () => {
  // The three kubectl versions at once: each checks only what its own input or connection gave.
  await Promise.all(VERSIONS.map(async ([v, bin]) => {
    const pf = await portForward(bin, 'pod/echo', 9000);
    try {
      const results = await tcpClient(pf.local, 3);
      for (const r of results) assert.equal(r.got, r.sent, `${v}: echoed through the forward`);
      // A second round over the same kubectl: connections after the first are forwarded too.
      const again = await tcpClient(pf.local, 2);
      for (const r of again) assert.equal(r.got, r.sent, `${v}: second round`);
      // 1.31+ tunnel SPDY through a WebSocket (GET); older ones upgrade to SPDY directly (POST).
      assert.match(pf.out.stderr, v === '1.27' ? /POST \S*\/portforward.*101 Switching Protocols/ : /GET.*\/portforward.*101 Switching Protocols/, `${v}: upgrade used`);
    } finally {
      pf.stop();
    }
  }));
});

test('kubectl port-forward svc resolves the service to its pod and target port', async () => {
  const pf = await portForward(KUBECTL, 'svc/echo', 80);
  try {
    assert.match(pf.out.stdout, /-> 9000/);
    const [r] = await tcpClient(pf.local, 1);
    assert.equal(r!.got, r!.sent);
  } finally {
    pf.stop();
  }
});

test('kubectl port-forward to a port nothing listens on reports the error and closes the connection', async () => {
  // The three kubectl versions at once: each checks only what its own input or connection gave.
  await Promise.all(VERSIONS.map(async ([v, bin]) => {
    const pf = await portForward(bin, 'pod/echo', 9999);
    try {
      const [r] = await tcpClient(pf.local, 1, 15_000);
      assert.equal(r!.got, '', `${v}: no data`);
      assert.equal(r!.closed, true, `${v}: the local connection is closed`);
      await pf.wait(`${v}: the error stream's message`, 15_000, () => /error forwarding port 9999|an error occurred forwarding \d+ -> 9999/.test(pf.out.stderr));
    } finally {
      pf.stop();
    }
  }));
});

test('the termination message file, a custom path and the log fallback end up in the container status', async () => {
  const terminated = (name: string) => sp.until(`${name} terminated`, 60_000, async () => (await podView(name)).status.containerStatuses?.[0]?.state.terminated);
  assert.deepEqual(pick(await terminated('tm-file')), { exitCode: 0, message: 'bye from file' });
  assert.deepEqual(pick(await terminated('tm-path')), { exitCode: 2, message: 'custom\n' });
  const logs = await terminated('tm-logs');
  assert.equal(logs.exitCode, 1);
  const lines = (logs.message ?? '').split('\n').filter(Boolean);
  assert.equal(lines.length, 80, 'the last 80 lines of the log');
  assert.equal(lines[0], 'log 21');
  assert.equal(lines[79], 'log 100');
  // Policy FallbackToLogsOnError on success: no message.
  assert.deepEqual(pick(await terminated('tm-ok')), { exitCode: 0 });
  const described = await sp.kubectl('describe', 'pod', 'tm-file');
  assert.match(described, /Message:\s+bye from file/);
});

function pick(t: TerminatedState): TerminatedState {
  return { exitCode: t.exitCode, ...(t.message !== undefined ? { message: t.message } : {}) };
}

test('the versioned kubectl binaries exist', () => {
  for (const [, bin] of VERSIONS) assert.ok(existsSync(bin), `${bin} is missing`);
});
