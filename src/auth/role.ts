import { registerEnumType } from '@nestjs/graphql';

/** READER: queries, optionally limited to some accounts. ADMIN: everything (docs/architecture.md "GraphQL"). */
export enum Role {
  READER = 'READER',
  ADMIN = 'ADMIN',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'READER: queries (optionally limited to accounts); ADMIN: everything',
});

/** ADMIN includes everything a READER may do. */
export function roleSatisfies(actual: Role, required: Role): boolean {
  return actual === Role.ADMIN || actual === required;
}
