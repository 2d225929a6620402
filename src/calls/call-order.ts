import { registerEnumType } from '@nestjs/graphql';

/** Order of the calls connection; account and call id break ties so the order is total. */
export enum CallOrder {
  STARTED_AT_DESC = 'STARTED_AT_DESC',
  STARTED_AT_ASC = 'STARTED_AT_ASC',
}

registerEnumType(CallOrder, { name: 'CallOrder' });
