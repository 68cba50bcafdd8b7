// IP and CIDR checks the network types share (Service, Endpoints, Node, EndpointSlice), with the
// messages of k8s.io/apimachinery/pkg/util/validation and pkg/apis/core/validation.
import { isIP } from 'node:net';
import { fieldErrors, type FieldError } from '../../../machinery/field-errors.js';

/** The address as 4 (IPv4) or 16 (IPv6) bytes; IPv4-mapped IPv6 is returned as IPv4 (as Go does). */
export function parseIP(s: string): Uint8Array | null {
  if (typeof s !== 'string') return null;
  const kind = isIP(s);
  if (kind === 4) return Uint8Array.from(s.split('.').map(Number));
  if (kind !== 6) return null;
  let text = s;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail = text.slice(lastColon + 1).split('.').map(Number);
    text = text.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':') : [];
  const r = rest === undefined ? [] : rest ? rest.split(':') : [];
  const groups = rest === undefined ? h : [...h, ...Array(8 - h.length - r.length).fill('0'), ...r];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const v = parseInt(g, 16); out[2 * i] = v >> 8; out[2 * i + 1] = v & 0xff; });
  if (tail.length) out.set(tail, 12);
  const mapped = out.slice(0, 10).every((b) => b === 0) && out[10] === 0xff && out[11] === 0xff;
  return mapped ? out.slice(12) : out;
}

export function isIPv6String(s: string): boolean {
  return parseIP(s)?.length === 16;
}
export function isIPv4String(s: string): boolean {
  return parseIP(s)?.length === 4;
}

/** validation.IsValidIP. */
export function validateIP(path: string, value: string): FieldError[] {
  return parseIP(value) ? [] : [fieldErrors.invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

/** ValidateNonSpecialIP: endpoint addresses may not be unspecified, loopback or link-local. */
export function validateNonSpecialIP(value: string, path: string): FieldError[] {
  const ip = parseIP(value);
  if (!ip) return [fieldErrors.invalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const v4 = ip.length === 4;
  if (ip.every((b) => b === 0)) errs.push(fieldErrors.invalid(path, value, `may not be unspecified (${value})`));
  const loopback = v4 ? ip[0] === 127 : ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1;
  if (loopback) errs.push(fieldErrors.invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocal = v4 ? ip[0] === 169 && ip[1] === 254 : ip[0] === 0xfe && (ip[1]! & 0xc0) === 0x80;
  if (linkLocal) errs.push(fieldErrors.invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  const llMulticast = v4 ? ip[0] === 224 && ip[1] === 0 && ip[2] === 0 : ip[0] === 0xff && (ip[1]! & 0x0f) === 0x02;
  if (llMulticast) errs.push(fieldErrors.invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** A CIDR as [address bytes, prefix length], or null. */
export function parseCIDR(s: string): { ip: Uint8Array; bits: number } | null {
  if (typeof s !== 'string') return null;
  const slash = s.indexOf('/');
  if (slash < 0) return null;
  const addr = s.slice(0, slash);
  const prefix = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefix)) return null;
  const kind = isIP(addr);
  if (!kind) return null;
  const bits = Number(prefix);
  if (bits > (kind === 4 ? 32 : 128)) return null;
  const ip = parseIP(addr)!;
  return { ip, bits };
}

/** IsValidCIDR (legacy form, as Node.spec.podCIDRs and Service loadBalancerSourceRanges use). */
export function validateCIDR(path: string, value: string): FieldError[] {
  return parseCIDR(value) ? [] : [fieldErrors.invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** netutils.IsDualStackIPStrings: exactly one IPv4 and one IPv6 among the values. */
export function isDualStack(values: string[], parse: (s: string) => Uint8Array | null = parseIP): boolean {
  let v4 = 0;
  let v6 = 0;
  for (const v of values) {
    const ip = parse(v);
    if (!ip) return false;
    if (ip.length === 4) v4++; else v6++;
  }
  return v4 >= 1 && v6 >= 1;
}

export function cidrFamily(s: string): Uint8Array | null {
  const c = parseCIDR(s);
  if (!c) return null;
  // A v4 CIDR written in mapped form still counts as v4 only when its address is 4 bytes.
  return c.ip;
}
