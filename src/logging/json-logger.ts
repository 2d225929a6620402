import { LoggerService, LogLevel } from '@nestjs/common';
import { redact, scrub } from './redaction';
import { currentRequestId } from './request-context';

export { redact } from './redaction';

const ORDER: Record<string, number> = { silent: -1, error: 0, warn: 1, log: 2, debug: 3, verbose: 4 };

/** Where a line goes; replaced in tests that read the log. */
export type LogSink = (stream: 'stdout' | 'stderr', line: string) => void;

const processSink: LogSink = (stream, line) => {
  (stream === 'stderr' ? process.stderr : process.stdout).write(line);
};

/**
 * One JSON object per line on stdout (stderr for errors): time, level, context, message, the id of
 * the HTTP request being served (when there is one) and any structured fields — with secrets
 * removed by key name and by pattern (bearer/basic credentials, OAuth codes in URLs), so no module
 * can leak one by logging an object or an error message.
 */
export class JsonLogger implements LoggerService {
  private readonly max: number;

  constructor(
    level: string = 'log',
    private readonly sink: LogSink = processSink,
  ) {
    this.max = ORDER[level] ?? 2;
  }

  isLevelEnabled(level: LogLevel): boolean {
    return (ORDER[level] ?? 2) <= this.max;
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, context };
    const requestId = currentRequestId();
    if (requestId) line.requestId = requestId;
    if (message instanceof Error) {
      line.msg = scrub(message.message);
      line.err = scrub(message.stack ?? '');
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(line, redact(message));
    } else {
      line.msg = scrub(String(message));
    }
    for (const extra of rest) {
      if (typeof extra === 'string') line.err = scrub(extra);
      else if (extra instanceof Error) line.err = scrub(extra.stack ?? extra.message);
      else if (extra && typeof extra === 'object') Object.assign(line, redact(extra));
    }
    let text: string;
    try {
      text = JSON.stringify(line, (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      );
    } catch {
      text = JSON.stringify({ time: line.time, level, context, requestId, msg: 'unserialisable log line' });
    }
    this.sink(level === 'error' ? 'stderr' : 'stdout', `${text}\n`);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
}
