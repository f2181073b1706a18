import { path } from '../state.ts';
import { Inboxes } from './inboxes.tsx';
import { Webhooks } from './webhooks.tsx';

/** Temporary (branch `channels`): shows the two sections by URL until the settings frame replaces this file. */
export function Settings() {
  return <main id="content">{path.value.startsWith('/settings/webhooks') ? <Webhooks /> : <Inboxes />}</main>;
}
