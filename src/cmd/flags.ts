// Command-line flags as the k8ts commands take them: `--name value` or `--name=value`. Each command
// keeps its own switch over the names; this walks the arguments and hands out values.
export interface FlagArg {
  /** The flag as typed, without any `=value` part. */
  name: string;
  /** The `=value` part, when there was one (for boolean flags: `--leader-elect=false`). */
  inline: string | undefined;
  /** The flag's value: the inline part, else the next argument (consumed). */
  value(): string;
}

/** Walks args flag by flag; `usage` is appended to the error for a flag missing its value. */
export function* flagArgs(args: string[], usage = ''): Generator<FlagArg> {
  for (let i = 0; i < args.length; i++) {
    let name = args[i]!;
    let inline: string | undefined;
    const eq = name.indexOf('=');
    if (name.startsWith('--') && eq > 0) { inline = name.slice(eq + 1); name = name.slice(0, eq); }
    const flag = name;
    yield {
      name,
      inline,
      // Consuming the next argument moves the walk past it (i is this iteration's binding).
      value: () => {
        if (inline !== undefined) return inline;
        const next = args[++i];
        if (next === undefined) throw new Error(`flag ${flag} needs a value${usage ? `\n${usage}` : ''}`);
        return next;
      },
    };
  }
}
