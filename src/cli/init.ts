import { loadConfig } from '../config.ts';
import { DEFAULT_ADMIN_EMAIL, initWorkspace } from '../domain/workspaces.ts';
import { isEmail } from '../domain/text.ts';
import { parseFlags, UsageError } from './args.ts';
import { credentialsBlock, credentialsJson } from './credentials.ts';
import { openMigratedStore } from './store.ts';

export async function initCommand(argv: string[]): Promise<number> {
  const flags = parseFlags('init', argv, { name: { type: 'string' }, json: { type: 'boolean', default: false }, email: { type: 'string' } });
  const name = flags.name?.trim() ?? 'Conversas';
  if (name === '') throw new UsageError('conversas init: --name must not be empty');
  const email = flags.email?.trim() ?? DEFAULT_ADMIN_EMAIL;
  if (!isEmail(email)) throw new UsageError('conversas init: --email must be an e-mail address');
  const config = loadConfig();
  const { store, applied } = await openMigratedStore(config);
  try {
    // With --json, stdout is reserved for the one JSON object; everything else goes to stderr.
    if (applied.length > 0) process.stderr.write(`Applied migrations: ${applied.join(', ')}\n`);
    const result = await initWorkspace(store.db, name, email);
    if (flags.json) {
      process.stdout.write(credentialsJson(result));
    } else {
      process.stdout.write(credentialsBlock(result, config.publicUrl));
    }
    return 0;
  } finally {
    await store.close();
  }
}
