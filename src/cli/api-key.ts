import { loadConfig } from '../config.ts';
import { issueApiKey } from '../domain/api-keys.ts';
import { defaultParts, findWorkspace, firstWorkspaceId } from '../domain/workspaces.ts';
import { CommandError, parseFlags, UsageError } from './args.ts';
import { credentialsBlock, credentialsJson } from './credentials.ts';
import { openMigratedStore } from './store.ts';

/**
 * `conversas api-key`: a new API key (with Basic client credentials) for an existing workspace, the
 * first one unless --workspace names another, printed once with the workspace's default ids, so a
 * newcomer who let `serve` create the workspace gets credentials for it without a second workspace.
 */
export async function apiKeyCommand(argv: string[]): Promise<number> {
  const flags = parseFlags('api-key', argv, { workspace: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean', default: false } });
  const name = flags.name?.trim() ?? 'cli';
  if (name === '') throw new UsageError('conversas api-key: --name must not be empty');
  const config = loadConfig();
  const { store, applied } = await openMigratedStore(config);
  try {
    if (applied.length > 0) process.stderr.write(`Applied migrations: ${applied.join(', ')}\n`);
    const workspaceId = flags.workspace ?? (await firstWorkspaceId(store.db));
    if (!workspaceId) throw new CommandError('There is no workspace yet: run `conversas init` (or start `conversas serve` once) first');
    if (flags.workspace && !(await findWorkspace(store.db, workspaceId))) throw new CommandError(`Workspace ${workspaceId} does not exist`);
    const parts = await defaultParts(store.db, workspaceId);
    const issued = await issueApiKey(store.db, workspaceId, name);
    const result = {
      workspaceId,
      ...parts,
      apiKey: issued.key,
      clientId: issued.clientId,
      clientSecret: issued.clientSecret,
    };
    process.stdout.write(flags.json ? credentialsJson(result) : credentialsBlock(result, config.publicUrl, `New API key for workspace ${workspaceId}.`));
    return 0;
  } finally {
    await store.close();
  }
}
