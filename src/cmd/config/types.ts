// One declaration per setting of a component: the loader validates config files against it, and
// `--help`, the reference page and the default config file are all generated from it.
export type SettingType =
  | 'string' | 'path' | 'url' | 'cidr' | 'ip'
  | 'int' | 'port' | 'duration' | 'millis'
  | 'bool'    // --flag=true|false
  | 'switch'  // presence-only flag (the parser ignores any value): true adds --flag, false nothing
  | 'list';   // comma-separated

export interface Setting {
  /** The command-line flag without its dashes ("bind-address"); the file key is BIND_ADDRESS. */
  flag: string;
  type: SettingType;
  /** The default as a user would write it ("" when there is none or it is computed). */
  default: string;
  help: string;
  /** Placeholder shown in help ("ADDR"); derived from the type when absent. */
  arg?: string;
  /** Allowed values (a closed set). */
  choices?: string[];
  /** A flag given once per item (--tls-san a --tls-san b): a file's comma-separated list becomes one flag per item. */
  repeatable?: boolean;
  /** Command-line only: an action such as --reset, never set from a file. */
  cliOnly?: boolean;
}

export interface ComponentConfig {
  /** The sub-command: `k8ts <name>`; also the name of its config file in /etc/k8ts. */
  name: string;
  summary: string;
  /** Extra usage text after "usage: k8ts <name> [flags]" (what it runs, where state goes). */
  description: string;
  settings: Setting[];
}

/** bind-address -> BIND_ADDRESS */
export function fileKey(flag: string): string {
  return flag.toUpperCase().replace(/-/g, '_');
}
