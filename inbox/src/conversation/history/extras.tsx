import type { Message } from '../../api.ts';
import { t } from '../../i18n.ts';

/** What WhatsApp stores in `metadata.location` (a shared pin or place). */
interface Location {
  latitude: number;
  longitude: number;
  name?: string | null;
  address?: string | null;
  url?: string | null;
}

export function locationOf(message: Message): Location | null {
  const location = message.metadata?.location as Location | undefined;
  return location && typeof location.latitude === 'number' && typeof location.longitude === 'number' ? location : null;
}

/** A shared location: its name and address, the coordinates, and a link to a map. */
export function LocationCard({ location }: { location: Location }) {
  const { latitude, longitude } = location;
  const map = `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`;
  return (
    <div class="card location">
      <span class="card-kind">{t('historyLocation')}</span>
      {location.name && <strong class="card-title">{location.name}</strong>}
      {location.address && <span>{location.address}</span>}
      <span class="coordinates">
        {latitude.toFixed(5)}, {longitude.toFixed(5)}
      </span>
      <a href={map} target="_blank" rel="noopener noreferrer">
        {t('historyOpenMap')}
      </a>
    </div>
  );
}

/** A shared contact: the name and a phone link. */
export function ContactCard({ contact }: { contact: { name: string | null; phoneNumber: string | null } }) {
  const phone = contact.phoneNumber;
  return (
    <div class="card contact-card">
      <span class="card-kind">{t('historyContactCard')}</span>
      {contact.name && <strong class="card-title">{contact.name}</strong>}
      {phone && <a href={`tel:+${phone.replace(/^\+/, '')}`}>+{phone.replace(/^\+/, '')}</a>}
    </div>
  );
}

interface Reaction {
  personId?: string;
  emoji: string;
}

/** The reactions a message received (WhatsApp keeps them in `metadata.reactions`), grouped by emoji. */
export function Reactions({ message }: { message: Message }) {
  const list = (message.metadata?.reactions as Reaction[] | undefined) ?? [];
  if (!Array.isArray(list) || list.length === 0) return null;
  const counts = new Map<string, number>();
  for (const reaction of list) if (reaction?.emoji) counts.set(reaction.emoji, (counts.get(reaction.emoji) ?? 0) + 1);
  return (
    <ul class="reactions" aria-label={t('historyReactions')}>
      {[...counts].map(([emoji, count]) => (
        <li key={emoji}>{count > 1 ? t('historyReaction', { emoji, count }) : emoji}</li>
      ))}
    </ul>
  );
}

/** Forwarded (or frequently forwarded) by the person, as WhatsApp marks it. */
export function ForwardedMark({ message }: { message: Message }) {
  if (!message.metadata?.forwarded) return null;
  return (
    <p class="forwarded">
      <span aria-hidden="true">↪ </span>
      {t(message.metadata.frequentlyForwarded ? 'historyForwardedMany' : 'historyForwarded')}
    </p>
  );
}
