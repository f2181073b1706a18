import { loadConfig } from '../config.ts';
import { parseFlags } from './args.ts';
import { describeDatabase, openMigratedStore } from './store.ts';

export async function migrateCommand(argv: string[]): Promise<number> {
  parseFlags('migrate', argv, {});
  const config = loadConfig();
  const { store, applied } = await openMigratedStore(config);
  await store.close();
  const where = describeDatabase(config.databaseUrl);
  if (applied.length === 0) process.stdout.write(`${where}: already up to date, no pending migrations.\n`);
  else process.stdout.write(`${where}: applied ${applied.length} migration(s):\n${applied.map((m) => `  ${m}\n`).join('')}`);
  return 0;
}
