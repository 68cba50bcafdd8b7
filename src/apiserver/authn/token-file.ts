// kube-apiserver's --token-auth-file: a CSV of token,user,uid[,"group1,group2"]. Fewer than three
// columns is an error naming the file; an empty token is skipped; a later duplicate wins.
import { readFileSync } from 'node:fs';
import type { UserInfo } from '../auth/types.js';
import type { TokenAuthenticator } from './types.js';

/** RFC 4180 records (quoted fields may hold commas, doubled quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
      continue;
    }
    if (ch === '"' && field === '') { quoted = true; started = true; }
    else if (ch === ',') { record.push(field); field = ''; started = true; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (started || field !== '') { record.push(field); records.push(record); }
      record = []; field = ''; started = false;
    } else { field += ch; started = true; }
  }
  if (quoted) throw new Error('extraneous or missing " in quoted-field');
  if (started || field !== '') { record.push(field); records.push(record); }
  return records;
}

export function parseTokenFile(text: string, path = 'token file'): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  for (const r of parseCsv(text)) {
    if (r.length < 3) throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${r.length}`);
    const [token, username, uid, groups] = r as [string, string, string, string | undefined];
    if (token === '') continue;
    tokens.set(token, { username, uid, groups: groups !== undefined ? groups.split(',') : [] });
  }
  return tokens;
}

export function tokenFileAuthenticator(tokens: Map<string, UserInfo>): TokenAuthenticator {
  return { authenticateToken: (token) => tokens.get(token) ?? null };
}

/** Reads --token-auth-file once (kube-apiserver does not watch it either). */
export function loadTokenFile(path: string): TokenAuthenticator {
  return tokenFileAuthenticator(parseTokenFile(readFileSync(path, 'utf8'), path));
}
