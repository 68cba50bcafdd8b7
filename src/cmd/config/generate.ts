// Writes what is generated from the declarations: `--docs DIR` the reference pages
// (docs/reference/<component>.md, `npm run docs`), `--etc DIR` the default config files the package
// installs in /etc/k8ts (scripts/package.sh).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPONENTS, SERVICES, SHARED_FILE } from './index.js';
import { renderDefaultFile, renderReference, renderSharedFile } from './render.js';

/** Files with secrets (the agent's join token) are readable by root only. */
export const SECRET_FILES = new Set(['agent']);

export function referencePages(): Map<string, string> {
  return new Map(Object.values(COMPONENTS).map((c) => [`${c.name}.md`, renderReference(c)]));
}

export function defaultFiles(): Map<string, string> {
  return new Map([[SHARED_FILE, renderSharedFile()], ...SERVICES.map((s): [string, string] => [s, renderDefaultFile(COMPONENTS[s]!)])]);
}

function main(args: string[]): void {
  for (let i = 0; i < args.length; i += 2) {
    const dir = args[i + 1];
    if (!dir) throw new Error(`usage: generate.js [--docs DIR] [--etc DIR]`);
    mkdirSync(dir, { recursive: true });
    if (args[i] === '--docs') for (const [name, text] of referencePages()) writeFileSync(join(dir, name), text);
    else if (args[i] === '--etc') for (const [name, text] of defaultFiles()) writeFileSync(join(dir, name), text, { mode: SECRET_FILES.has(name) ? 0o600 : 0o644 });
    else throw new Error(`unknown flag ${args[i]}; usage: generate.js [--docs DIR] [--etc DIR]`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
