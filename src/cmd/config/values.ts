// Checks a config-file value against its setting's type, so a typo fails at start with the file,
// line and key, instead of later inside a component. Returns the normalised text or throws a
// message that completes "bad value for KEY: ...".
import { isIP } from 'node:net';
import { parseDuration } from '../duration.js';
import type { Setting } from './types.js';

const TRUE = ['true', '1', 't', 'yes', 'on'];
const FALSE = ['false', '0', 'f', 'no', 'off'];

export function checkValue(s: Setting, raw: string): string {
  const v = raw.trim();
  if (s.choices && !s.choices.includes(v)) throw new Error(`"${v}" is not one of ${s.choices.join(', ')}`);
  switch (s.type) {
    case 'string': case 'path': case 'list':
      if (s.type === 'path' && !v.startsWith('/')) throw new Error(`"${v}" is not an absolute path`);
      return v;
    case 'url': {
      try { new URL(v); } catch { throw new Error(`"${v}" is not a URL`); }
      return v;
    }
    case 'ip':
      if (!isIP(v)) throw new Error(`"${v}" is not an IP address`);
      return v;
    case 'cidr': {
      const [ip, bits, extra] = v.split('/');
      const fam = isIP(ip ?? '');
      const n = Number(bits);
      if (extra !== undefined || !fam || bits === undefined || !/^\d+$/.test(bits) || n > (fam === 4 ? 32 : 128)) throw new Error(`"${v}" is not a CIDR (like 10.244.0.0/16)`);
      return v;
    }
    case 'int': case 'port': case 'millis': {
      if (!/^-?\d+$/.test(v)) throw new Error(`"${v}" is not an integer`);
      const n = Number(v);
      if (s.type === 'port' && (n < 0 || n > 65535)) throw new Error(`${v} is not a port number (0-65535)`);
      if (s.type === 'millis' && n < 0) throw new Error(`${v} is negative`);
      return String(n);
    }
    case 'duration':
      try { parseDuration(v); } catch { throw new Error(`"${v}" is not a duration (like 10s, 1m30s, 500ms)`); }
      return v;
    case 'bool': case 'switch': {
      const l = v.toLowerCase();
      if (TRUE.includes(l)) return 'true';
      if (FALSE.includes(l)) return 'false';
      throw new Error(`"${v}" is not a boolean (true or false)`);
    }
  }
}

/** The argv a checked value becomes: what a user would have typed for the same setting. */
export function toArgs(s: Setting, value: string): string[] {
  if (s.type === 'switch') return value === 'true' ? [`--${s.flag}`] : [];
  if (s.repeatable) return value.split(',').map((v) => v.trim()).filter(Boolean).map((v) => `--${s.flag}=${v}`);
  return [`--${s.flag}=${value}`];
}
