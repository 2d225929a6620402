/** triggerSync was given a window that ends before it starts. */
export class InvalidSyncWindowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSyncWindowError';
  }
}
