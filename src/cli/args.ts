import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake on the command line: reported on stderr with exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict flag parsing: unknown flags and stray positionals are usage errors, not ignored. */
export function parseFlags<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`conversas ${command}: ${(error as Error).message}`);
  }
}

export function positiveInteger(command: string, flag: string, raw: string | undefined, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`conversas ${command}: --${flag} must be an integer ${range}, got "${raw}"`);
  }
  return value;
}

/** A command that cannot do its work (a missing workspace, …): the message on stderr, exit code 1, no stack. */
export class CommandError extends Error {}
