// Text made from the declarations: `k8ts <component> --help`, docs/reference/<component>.md and
// the default files installed in /etc/k8ts. One source, so none of them can drift from the others.
import { COMMON, DEFAULT_CONFIG_DIR, SHARED_FILE, SHARED_KEYS } from './common.js';
import { COMPONENTS } from './index.js';
import { fileKey, type ComponentConfig, type Setting } from './types.js';

const ARG: Record<Setting['type'], string> = {
  string: 'VALUE', path: 'PATH', url: 'URL', cidr: 'CIDR', ip: 'IP', int: 'N', port: 'PORT',
  duration: 'DURATION', millis: 'MS', bool: 'BOOL', switch: '', list: 'LIST',
};

function usageName(s: Setting): string {
  const arg = s.arg ?? ARG[s.type];
  if (s.type === 'bool') return `--${s.flag}[=${arg}]`;
  return arg ? `--${s.flag} ${arg}` : `--${s.flag}`;
}

function describe(s: Setting): string {
  const extra = [s.choices ? `one of ${s.choices.join(', ')}` : '', s.default ? `default ${s.default}` : ''].filter(Boolean).join('; ');
  return extra ? `${s.help} (${extra})` : s.help;
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/)) {
    if (cur && cur.length + 1 + word.length > width) { lines.push(cur); cur = word; } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) lines.push(cur);
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}

export function renderHelp(c: ComponentConfig): string {
  const rows = [...c.settings, ...COMMON];
  const col = Math.min(36, Math.max(...rows.map((s) => usageName(s).length)) + 4);
  const flagLines = rows.map((s) => `  ${usageName(s).padEnd(col)}${wrap(describe(s), 100 - col - 2, ' '.repeat(col + 2)).join('\n')}`);
  const keys = c.settings.filter((s) => !s.cliOnly).map((s) => fileKey(s.flag));
  return [
    `usage: k8ts ${c.name} [flags]`,
    '',
    wrap(c.description, 98, '').join('\n'),
    '',
    'flags:',
    ...flagLines,
    '',
    'config files (KEY="value" per line; later wins, flags win over files):',
    ...fileLines(c),
    `  each key is its flag in upper case with _ for - (--${c.settings[0]?.flag ?? 'v'} -> ${fileKey(c.settings[0]?.flag ?? 'v')}); an empty value keeps the default`,
    '',
  ].join('\n');
}

function fileLines(c: ComponentConfig): string[] {
  const shared = SHARED_KEYS.filter((k) => k === 'v' || c.settings.some((s) => s.flag === k)).map(fileKey);
  const own = ['V', ...c.settings.filter((s) => !s.cliOnly).map((s) => fileKey(s.flag))];
  const files = [`${DEFAULT_CONFIG_DIR}/${SHARED_FILE}`, `${DEFAULT_CONFIG_DIR}/${c.name}`];
  const col = Math.max(...files.map((f) => f.length)) + 4;
  return [
    `  ${files[0]!.padEnd(col)}${wrap(shared.join(', '), 96 - col, ' '.repeat(col + 2)).join('\n')}`,
    `  ${files[1]!.padEnd(col)}${wrap(own.join(', '), 96 - col, ' '.repeat(col + 2)).join('\n')}`,
  ];
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderReference(c: ComponentConfig): string {
  const row = (s: Setting) => `| \`${usageName(s)}\` | ${s.cliOnly ? '(command line only)' : `\`${fileKey(s.flag)}\``} | ${s.type} | ${s.default ? `\`${md(s.default)}\`` : ''} | ${md(s.help)}${s.choices ? ` One of: ${s.choices.join(', ')}.` : ''} |`;
  const shared = SHARED_KEYS.filter((k) => k === 'v' || c.settings.some((s) => s.flag === k));
  return [
    `# k8ts ${c.name}`,
    '',
    '<!-- Generated from src/cmd/config/ by `npm run docs`; do not edit by hand. -->',
    '',
    `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`,
    '',
    c.description,
    '',
    '```',
    `k8ts ${c.name} [flags]`,
    '```',
    '',
    `Settings come from \`${DEFAULT_CONFIG_DIR}/${SHARED_FILE}\` (shared by every component), then \`${DEFAULT_CONFIG_DIR}/${c.name}\`, then the command line; later wins. `
      + 'Files hold one `KEY="value"` per line (the syntax systemd\'s `EnvironmentFile=` reads); the key is the flag in upper case with `_` for `-`, '
      + 'and an empty value keeps the default. An unknown key or a bad value stops the component with an error naming the file, line and key.',
    '',
    `Keys this component takes from the shared file: ${shared.map((k) => `\`${fileKey(k)}\``).join(', ')}.`,
    '',
    '| flag | file key | type | default | description |',
    '| --- | --- | --- | --- | --- |',
    ...c.settings.map(row),
    ...COMMON.map(row),
    '',
  ].join('\n');
}

function fileBody(settings: Setting[]): string[] {
  return settings.flatMap((s) => ['', ...wrap(describe(s), 96, '# ').map((l, i) => (i === 0 ? `# ${l}` : l)), `#${fileKey(s.flag)}="${s.default.includes('<') ? '' : s.default}"`]);
}

/** The default /etc/k8ts/<component>: every setting, commented out at its default. */
export function renderDefaultFile(c: ComponentConfig): string {
  return [
    `# ${DEFAULT_CONFIG_DIR}/${c.name}: settings of \`k8ts ${c.name}\` (${c.summary}).`,
    `# One KEY="value" per line; values here override ${DEFAULT_CONFIG_DIR}/${SHARED_FILE}; flags on the command line override both.`,
    `# Uncomment and edit; an unknown key or a bad value stops the service with this file's name and line.`,
    `# Reference: k8ts ${c.name} --help`,
    ...fileBody([...c.settings.filter((s) => !s.cliOnly && !SHARED_KEYS.includes(s.flag)), ...c.settings.filter((s) => !s.cliOnly && SHARED_KEYS.includes(s.flag))]),
    '',
  ].join('\n');
}

/** The default /etc/k8ts/config: the settings several components share. */
export function renderSharedFile(): string {
  const settings = SHARED_KEYS.map((k) => COMMON.find((s) => s.flag === k) ?? Object.values(COMPONENTS).flatMap((c) => c.settings).find((s) => s.flag === k)!);
  return [
    `# ${DEFAULT_CONFIG_DIR}/${SHARED_FILE}: settings shared by every k8ts component (as the seed's /etc/kubernetes/config).`,
    `# Each component takes the keys it knows and ignores the others; its own file (${DEFAULT_CONFIG_DIR}/<component>) and its flags override these.`,
    ...fileBody(settings.map((s) => (s.flag === 'kubeconfig'
      ? { ...s, default: '', help: 'API server address and credentials for every client component (controller-manager, scheduler, kubelet, proxy, agent, dns)' }
      : s))),
    '',
  ].join('\n');
}
