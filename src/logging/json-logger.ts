import { LoggerService, LogLevel } from '@nestjs/common';

const ORDER: Record<string, number> = { silent: -1, error: 0, warn: 1, log: 2, debug: 3, verbose: 4 };
/** Keys whose values are never written to a log line, whatever module logs them. */
const SECRET_KEYS = /token|secret|password|authorization|api_?key|credentials|code$/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/**
 * One JSON object per line on stdout (stderr for errors): time, level, context, message and any
 * structured fields, with secrets redacted by key name.
 */
export class JsonLogger implements LoggerService {
  private readonly max: number;

  constructor(level: string = 'log') {
    this.max = ORDER[level] ?? 2;
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    if ((ORDER[level] ?? 2) > this.max) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, context };
    if (message instanceof Error) {
      line.msg = message.message;
      line.err = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(line, redact(message));
    } else {
      line.msg = String(message);
    }
    for (const extra of rest) {
      if (typeof extra === 'string') line.err = extra;
      else if (extra instanceof Error) line.err = extra.stack;
      else if (extra && typeof extra === 'object') Object.assign(line, redact(extra));
    }
    (level === 'error' ? process.stderr : process.stdout).write(`${JSON.stringify(line)}\n`);
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
}
