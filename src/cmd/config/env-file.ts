// Reads a config file in the seed's /etc/kubernetes style, one KEY="value" per line — the syntax
// systemd's EnvironmentFile= and a shell's `.` also read, so the same file serves all three.
// Comments (#) and blank lines are skipped; values may be "double-quoted" (\" \\ \$ escapes),
// 'single-quoted' (literal) or bare. Every entry keeps its line number for error messages.
export interface Entry {
  key: string;
  value: string;
  line: number;
}

export class ConfigError extends Error {
  constructor(readonly file: string, readonly line: number, readonly key: string | undefined, detail: string) {
    super(`${file}:${line}: ${key ? `${key}: ` : ''}${detail}`);
    this.name = 'ConfigError';
  }
}

const LINE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

export function parseEnvFile(text: string, file: string): Entry[] {
  const out: Entry[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = i + 1;
    const t = rawLine.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = LINE.exec(t);
    if (!m) throw new ConfigError(file, line, undefined, `expected KEY="value", got ${JSON.stringify(t.length > 60 ? `${t.slice(0, 60)}...` : t)}`);
    const key = m[1]!;
    const prev = seen.get(key);
    if (prev !== undefined) throw new ConfigError(file, line, key, `set twice (first on line ${prev})`);
    seen.set(key, line);
    out.push({ key, value: unquote(m[2]!, file, line, key), line });
  });
  return out;
}

function unquote(v: string, file: string, line: number, key: string): string {
  const q = v[0];
  if (q !== '"' && q !== "'") {
    if (/\s#/.test(v)) return v.slice(0, v.search(/\s#/)).trim();
    return v.trim();
  }
  let out = '';
  for (let i = 1; i < v.length; i++) {
    const c = v[i]!;
    if (c === q) {
      const rest = v.slice(i + 1).trim();
      if (rest !== '' && !rest.startsWith('#')) throw new ConfigError(file, line, key, `unexpected text after the closing quote: ${JSON.stringify(rest)}`);
      return out;
    }
    if (q === '"' && c === '\\' && i + 1 < v.length && '"\\$`'.includes(v[i + 1]!)) { out += v[++i]; continue; }
    out += c;
  }
  throw new ConfigError(file, line, key, 'missing closing quote');
}
