import { InvalidInputError } from '../errors/domain-errors';

/** A sync window that cannot be fetched: `field` names the triggerSync argument at fault. */
export class InvalidSyncWindowError extends InvalidInputError {
  constructor(detail: string, field: 'from' | 'to' = 'from') {
    super(field, `${field}: ${detail}`);
    this.name = 'InvalidSyncWindowError';
  }
}
