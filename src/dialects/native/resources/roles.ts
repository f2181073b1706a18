import { Type } from 'typebox';
import type { Role } from '../../../domain/model.ts';
import { Id, PageQuery, Timestamp, isoRequired } from '../schemas.ts';
import { Name } from './paging.ts';

export const RoleShape = Type.Object({ id: Id, name: Type.String(), createdAt: Timestamp, updatedAt: Timestamp });

export const RoleListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const CreateRoleBody = Type.Object({ name: Name }, { additionalProperties: false });
export const UpdateRoleBody = Type.Object({ name: Name }, { additionalProperties: false });

export function presentRole(r: Role) {
  return { id: r.id, name: r.name, createdAt: isoRequired(r.createdAt), updatedAt: isoRequired(r.updatedAt) };
}
