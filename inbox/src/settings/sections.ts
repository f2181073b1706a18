import type { ComponentType } from 'preact';
import { t } from '../i18n.ts';
import { Account } from './account.tsx';
import { Agents } from './agents.tsx';
import { ApiKeys } from './api-keys.tsx';
import { Inboxes } from './inboxes.tsx';
import { SavedReplies } from './saved-replies.tsx';
import { Webhooks } from './webhooks.tsx';

/**
 * The settings' sections, in the order of their navigation. Each is `/settings/<path>`; `/settings`
 * opens the first one the user may see. `label` is a function so that it follows the language.
 * Sections are for admins unless `forEveryone`: an agent sees only those (Account), and an admin
 * section's URL tells an agent it is for admins.
 */
export interface Section {
  path: string;
  label: () => string;
  component: ComponentType;
  forEveryone?: boolean;
}

export const SECTIONS: Section[] = [
  { path: 'agents', label: () => t('settingsAgents'), component: Agents },
  { path: 'saved-replies', label: () => t('settingsSavedReplies'), component: SavedReplies },
  { path: 'api-keys', label: () => t('settingsApiKeys'), component: ApiKeys },
  { path: 'inboxes', label: () => t('inboxesTitle'), component: Inboxes },
  { path: 'webhooks', label: () => t('webhooksTitle'), component: Webhooks },
  { path: 'account', label: () => t('settingsAccount'), component: Account, forEveryone: true },
];
