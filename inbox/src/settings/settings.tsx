/** Workspace settings (admins): agents, saved replies, API keys, inboxes and channels, webhooks. Not built yet. */
export function Settings() {
  return null;
}
