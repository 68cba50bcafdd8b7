// Throw-away X.509 material for TLS tests, made with openssl in a temp dir: one CA, a kubelet
// serving certificate for 127.0.0.1, and client certificates (CN = user, O = group).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair { cert: Buffer; key: Buffer }
export interface TestPki {
  ca: Buffer;
  serving: KeyPair;
  client(cn: string, org?: string): KeyPair;
  /** A client certificate from another CA (must not authenticate). */
  stranger: KeyPair;
  remove(): void;
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const selfSigned = (name: string, cn: string) => ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${cn}`);
    selfSigned('ca', 'k8ts-test-ca');
    selfSigned('other-ca', 'k8ts-other-ca');
    let n = 0;
    const issue = (subj: string, ca = 'ca', ext = 'extendedKeyUsage=clientAuth'): KeyPair => {
      const name = `leaf${++n}`;
      writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
      ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '1', '-extfile', `${name}.ext`);
      return { cert: readFileSync(join(dir, `${name}.crt`)), key: readFileSync(join(dir, `${name}.key`)) };
    };
    const serving = issue('/CN=node-1', 'ca', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth');
    const stranger = issue('/CN=mallory', 'other-ca');
    return {
      ca: readFileSync(join(dir, 'ca.crt')), serving, stranger,
      client: (cn, org) => issue(`/CN=${cn}${org ? `/O=${org}` : ''}`),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
