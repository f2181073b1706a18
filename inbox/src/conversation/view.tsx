import { knownConversations } from '../list-state.ts';
import { Composer } from './composer.tsx';
import { ContactPanel } from './contact-panel.tsx';
import { ConversationHeader } from './header.tsx';
import { MessageLog } from './message-log.tsx';

/** One conversation: header with its actions, the history, the composer, and the contact panel beside them. */
export function ConversationView({ id }: { id: string }) {
  const conversation = knownConversations.value[id];
  return (
    <div class="conversation-layout">
      <section class="conversation-view" aria-labelledby="conversation-title">
        <ConversationHeader conversation={conversation} />
        <MessageLog id={id} />
        <Composer id={id} />
      </section>
      <ContactPanel conversation={conversation} />
    </div>
  );
}
