/** Usage texts, kept apart from the commands so `--help` loads nothing else. */

export const serveUsage = `conversas serve [--port N] [--host H]
  Applies pending migrations and serves HTTP on HOST:PORT (default 127.0.0.1:3001). On an empty
  database (no workspace) it first creates one, as \`conversas init\` does, and prints its
  credentials once. --port and --host override PORT and HOST; 0 picks a free port. SIGINT/SIGTERM
  stop it gracefully.`;

export const migrateUsage = `conversas migrate
  Applies pending database migrations and exits.`;

export const initUsage = `conversas init [--name N] [--email E] [--json]
  Creates a workspace with a default inbox, a sandbox channel, a bot, an API key and Basic client
  credentials, and its first admin user (--email, default admin@conversas.local) with a generated
  password, and prints them once. --json: standard output carries only one JSON object
  {workspaceId, inboxId, channelId, botId, apiKey, clientId, clientSecret, userEmail, userPassword}.`;

export const apiKeyUsage = `conversas api-key [--workspace ID] [--name N] [--json]
  Issues a new API key, with Basic client credentials, for an existing workspace (the first one
  unless --workspace names another) and prints them once with the workspace's default inbox,
  channel and bot ids. --json: standard output carries only one JSON object, with the keys of
  \`conversas init --json\`.`;

export const seedUsage = `conversas seed [--conversations N] [--messages-per-conversation M] [--workspace ID]
  Fills a workspace (the first one, or a new one when there is none) with realistic demo data:
  people, conversations in every status and M messages each, spread over the past weeks.
  Defaults: 1000 conversations, 20 messages per conversation.`;
