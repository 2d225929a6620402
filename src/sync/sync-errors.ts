/** A sync window that cannot be fetched: `field` names the triggerSync argument at fault. */
export class InvalidSyncWindowError extends Error {
  constructor(
    message: string,
    readonly field: 'from' | 'to' = 'from',
  ) {
    super(message);
    this.name = 'InvalidSyncWindowError';
  }
}
