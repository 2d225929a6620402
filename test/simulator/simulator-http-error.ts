/** An API error answered with Aircall's body shape `{"error", "troubleshoot"}` (docs/aircall-behaviour.md §7). */
export class SimulatorHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly troubleshoot: string,
  ) {
    super(`${status} ${error}`);
  }

  get body(): Record<string, unknown> {
    return { error: this.error, troubleshoot: this.troubleshoot };
  }
}

export const badRequest = (troubleshoot: string) => new SimulatorHttpError(400, 'Bad Request', troubleshoot);
export const notFound = (what: string) => new SimulatorHttpError(404, 'Not Found', `${what} not found`);
