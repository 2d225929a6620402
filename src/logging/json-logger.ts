import { LoggerService, LogLevel } from '@nestjs/common';
import { Level, LevelWithSilent, Logger as Pino, pino } from 'pino';
import { redact, scrub } from './redaction';
import { currentRequestId } from './request-context';

export { redact } from './redaction';

/** Nest's level names as pino's: `log` is pino's `info`, `verbose` its `trace`. */
const PINO_LEVELS: Record<string, LevelWithSilent> = {
  silent: 'silent',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** The level names written in a line: Nest's, which operators filter on. */
const LINE_LEVELS: Record<string, string> = {
  trace: 'verbose',
  debug: 'debug',
  info: 'log',
  warn: 'warn',
  error: 'error',
  fatal: 'error',
};

/** Where a line goes; replaced in tests that read the log. */
export type LogSink = (stream: 'stdout' | 'stderr', line: string) => void;

const processSink: LogSink = (stream, line) => {
  (stream === 'stderr' ? process.stderr : process.stdout).write(line);
};

/**
 * The pino instance behind every log line: one JSON object per line on stdout (stderr for errors)
 * with time, level, context, msg, the id of the HTTP request being served (when there is one) and
 * any structured fields — with secrets removed by key name and by pattern (bearer/basic credentials,
 * OAuth codes in URLs), so no module can leak one by logging an object or an error message. Code
 * that calls it directly (rather than through JsonLogger) gets the same redaction.
 */
export function createPinoLogger(level: string = 'log', sink: LogSink = processSink): Pino {
  return pino(
    {
      level: PINO_LEVELS[level] ?? 'info',
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: LINE_LEVELS[label] ?? label }),
        // pino's `redact` option takes fixed paths, not "any key that looks like a secret, at any
        // depth", so the key-pattern redaction runs here, on every line's fields.
        log: (fields) => redact(fields) as Record<string, unknown>,
      },
      hooks: {
        // A message passed as a string argument is not part of the fields `formatters.log` sees.
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg: unknown) => (typeof arg === 'string' ? scrub(arg) : arg)) as typeof args,
          );
        },
      },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    pino.multistream(
      [
        { level: 'trace', stream: { write: (line: string) => sink('stdout', line) } },
        { level: 'error', stream: { write: (line: string) => sink('stderr', line) } },
      ],
      { dedupe: true },
    ),
  );
}

/**
 * Nest's logger interface over pino (createPinoLogger): maps Nest's `(message, ...fields, context)`
 * calls onto one pino line, an Error's message as `msg` and its stack as `err`.
 */
export class JsonLogger implements LoggerService {
  readonly pino: Pino;

  constructor(level: string = 'log', sink: LogSink = processSink) {
    this.pino = createPinoLogger(level, sink);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.pino.isLevelEnabled(PINO_LEVELS[level] ?? 'info');
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = { context };
    if (message instanceof Error) {
      fields.msg = message.message;
      fields.err = message.stack ?? '';
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
    } else {
      fields.msg = String(message);
    }
    for (const extra of rest) {
      if (typeof extra === 'string') fields.err = extra;
      else if (extra instanceof Error) fields.err = extra.stack ?? extra.message;
      else if (extra && typeof extra === 'object') Object.assign(fields, extra);
    }
    this.pino[level](fields);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
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
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
}
