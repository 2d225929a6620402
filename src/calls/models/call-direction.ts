import { registerEnumType } from '@nestjs/graphql';

/** Aircall's `direction` (inbound | outbound), as an upper-case GraphQL enum. */
export enum CallDirection {
  INBOUND = 'inbound',
  OUTBOUND = 'outbound',
}

registerEnumType(CallDirection, { name: 'CallDirection' });

export function toCallDirection(value: unknown): CallDirection | null {
  return value === CallDirection.INBOUND
    ? CallDirection.INBOUND
    : value === CallDirection.OUTBOUND
      ? CallDirection.OUTBOUND
      : null;
}
