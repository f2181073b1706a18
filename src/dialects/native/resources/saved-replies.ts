import { Type } from 'typebox';
import type { SavedReply } from '../../../domain/model.ts';
import { Id, PageQuery, Timestamp, isoRequired } from '../schemas.ts';

const Shortcut = Type.String({ minLength: 1, maxLength: 65, description: 'What follows `/` in the composer: letters, digits, - or _; stored in lower case' });
const Text = Type.String({ minLength: 1, maxLength: 4096, description: "`{{name}}` is replaced by the person's first name when inserted" });

export const SavedReplyShape = Type.Object({ id: Id, shortcut: Type.String(), text: Type.String(), createdAt: Timestamp, updatedAt: Timestamp });

export const SavedReplyListQuery = Type.Object(
  { ...PageQuery, search: Type.Optional(Type.String({ maxLength: 65, description: 'Shortcuts starting with this' })) },
  { additionalProperties: false },
);
export const CreateSavedReplyBody = Type.Object({ shortcut: Shortcut, text: Text }, { additionalProperties: false });
export const UpdateSavedReplyBody = Type.Object(
  { shortcut: Type.Optional(Shortcut), text: Type.Optional(Text) },
  { additionalProperties: false, minProperties: 1 },
);

export function presentSavedReply(r: SavedReply) {
  return { id: r.id, shortcut: r.shortcut, text: r.text, createdAt: isoRequired(r.createdAt), updatedAt: isoRequired(r.updatedAt) };
}
