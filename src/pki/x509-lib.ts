// The X.509 library, set up once: @peculiar/x509 over Node's own WebCrypto (native key generation
// and signing). Its dependency-injection container (tsyringe) needs the Reflect metadata API,
// which must exist before the library is first evaluated: hence the import order here.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as never);

export { x509 };
export const subtle = webcrypto.subtle;
