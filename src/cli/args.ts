/** Command-line option parsing shared by the kerno subcommands: --name value, --name=value, --flag. */

export type Flags = Record<string, string | boolean>;

/** Options that take no value. */
const BOOLEAN = new Set([
  "json",
  "lr",
  "help",
  "log-target",
  "time-features",
  "course",
  "png",
  "after-longest-gap",
  "deeper",
  "augment",
  "no-augment",
  "hierarchical",
  "cnn",
]);

export function parse(argv: string[]): { positionals: string[]; flags: Flags } {
  const positionals: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (eq >= 0) flags[name] = arg.slice(eq + 1);
    else if (BOOLEAN.has(name) || i + 1 >= argv.length || argv[i + 1].startsWith("--")) flags[name] = true;
    else flags[name] = argv[++i];
  }
  return { positionals, flags };
}

export function intFlag(flags: Flags, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a non-negative integer, got ${String(v)}`);
  return n;
}
