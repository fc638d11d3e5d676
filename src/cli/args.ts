/**
 * Command-line option parsing for the kerno subcommands: node:util's parseArgs with each command's
 * own options (declared once, in usage.ts), so that `--name value`, `--name=value` and boolean
 * `--flag` work and an option the command does not take is an error naming the ones it does.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { COMMANDS, commandOptions, type OptionList } from "./usage.js";

export type Flags = Record<string, string | boolean>;

/** A mistake in how a command was called (unknown option, missing value): kerno exits with 2. */
export class UsageError extends Error {}

type ParseOptions = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs's options for a list: a placeholder after the name makes it take a value. */
function schema(list: OptionList): ParseOptions {
  const options: ParseOptions = { help: { type: "boolean", short: "h" } };
  for (const o of list) options[o.name] = { type: o.value === undefined ? "boolean" : "string" };
  return options;
}

const names = (list: OptionList) => (list.length ? `options: ${list.map((o) => `--${o.name}`).join(", ")}` : "it takes no options");

/** `kerno <command>`'s argv as positionals and flags, checked against the options it declares. */
export function parse(command: string, argv: string[]): { positionals: string[]; flags: Flags } {
  const spec = COMMANDS[command];
  if (!spec) throw new Error(`args: no command '${command}' in usage.ts`);
  const all = commandOptions(spec);
  // a first pass that accepts anything, to name what is wrong in kerno's words
  const { tokens, positionals } = parseArgs({ args: argv, options: schema(all), strict: false, allowPositionals: true, tokens: true });
  const sub = spec.subcommands && Object.hasOwn(spec.subcommands, positionals[0] ?? "") ? positionals[0] : undefined;
  const allowed = sub === undefined ? all : commandOptions(spec, sub);
  const who = `kerno ${command}${sub ? ` ${sub}` : ""}`;
  for (const t of tokens) {
    if (t.kind !== "option" || t.name === "help") continue;
    const o = allowed.find((a) => a.name === t.name);
    if (!o) throw new UsageError(`${who}: unknown option ${t.rawName} (${names(allowed)})`);
    if (o.value === undefined && t.inlineValue) throw new UsageError(`${who}: --${o.name} takes no value, got '${t.rawName}=${t.value}'`);
    if (o.value !== undefined && (t.value === undefined || (!t.inlineValue && t.value.startsWith("-"))))
      throw new UsageError(`${who}: --${o.name} needs a value (--${o.name} ${o.value}${t.value === undefined ? "" : `, or --${o.name}=${t.value}`})`);
  }
  try {
    const { values } = parseArgs({ args: argv, options: schema(allowed), strict: true, allowPositionals: true });
    return { positionals, flags: { ...values } as Flags };
  } catch (err) {
    throw new UsageError(`${who}: ${(err as Error).message}`);
  }
}

export function intFlag(flags: Flags, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isInteger(n) || n < 0) throw new Error(`--${name} needs a non-negative integer, got ${String(v)}`);
  return n;
}
