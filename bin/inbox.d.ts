/** The cache key of the inbox as the checkout holds it now. */
export function inboxKey(): string;
/** The built inbox of the current sources, if the cache has it. */
export function cachedInboxDir(): string | null;
/** The directory of the built inbox (index.html and assets/), built first when missing or stale. */
export function ensureInbox(options?: { quiet?: boolean }): Promise<string>;
