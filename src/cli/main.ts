import { ConfigError } from '../config.ts';
import { CommandError, UsageError } from './args.ts';
import { apiKeyUsage, initUsage, migrateUsage, seedUsage, serveUsage } from './usage.ts';
import packageJson from '../../package.json' with { type: 'json' };

type Run = (argv: string[]) => Promise<number>;
/** Commands load lazily: `init` or a typo should not pay for loading the HTTP server. */
interface Command {
  load(): Promise<Run>;
  usage: string;
  summary: string;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    load: async () => (await import('./serve.ts')).serveCommand,
    usage: serveUsage,
    summary: 'migrate if needed and serve HTTP (creates a workspace on an empty database)',
  },
  migrate: { load: async () => (await import('./migrate.ts')).migrateCommand, usage: migrateUsage, summary: 'apply pending database migrations and exit' },
  init: { load: async () => (await import('./init.ts')).initCommand, usage: initUsage, summary: 'create a workspace and print its credentials once' },
  'api-key': {
    load: async () => (await import('./api-key.ts')).apiKeyCommand,
    usage: apiKeyUsage,
    summary: "issue a new API key for an existing workspace and print it once with the workspace's ids",
  },
  seed: { load: async () => (await import('./seed.ts')).seedCommand, usage: seedUsage, summary: 'fill a workspace with realistic demo data' },
};

const HELP = `Usage: conversas <command> [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`)
  .join('\n')}

Run \`conversas <command> --help\` for a command's flags, \`conversas --version\` for the version.
Configuration comes from the environment: PORT, HOST, DATABASE_URL, CONVERSAS_DATA_DIR, PUBLIC_URL,
LOG_LEVEL, CONVERSAS_ALLOW_PRIVATE_WEBHOOKS, CONVERSAS_RATE_LIMIT_PER_MINUTE,
CONVERSAS_AUTH_FAILURES_PER_MINUTE, CONVERSAS_MAX_UPLOAD_MB.
`;

/**
 * A problem with the surroundings, not a bug: a system call that failed (port in use, database
 * unreachable, unwritable path) or an error reported by PostgreSQL. Its message says it all.
 */
function isEnvironmentError(error: unknown): boolean {
  const e = error as { syscall?: unknown; severity?: unknown; code?: unknown } | null;
  return !!e && typeof e === 'object' && (typeof e.syscall === 'string' || (typeof e.severity === 'string' && typeof e.code === 'string'));
}

/** Runs one command; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(HELP);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`conversas ${packageJson.version}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`conversas: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await (await command.load())(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\nUsage: ${command.usage}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`conversas: configuration error: ${error.message}\n`);
      return 1;
    }
    if (error instanceof CommandError) {
      process.stderr.write(`conversas ${name}: ${error.message}\n`);
      return 1;
    }
    if (isEnvironmentError(error)) {
      process.stderr.write(`conversas ${name}: ${(error as Error).message}\n`);
      return 1;
    }
    process.stderr.write(`conversas ${name} failed: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

const code = await run(process.argv.slice(2));
process.exitCode = code;
// Whatever handle might linger (a pool timer, a socket), the command is over.
setTimeout(() => process.exit(code), 1000).unref();
