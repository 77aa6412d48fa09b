import winston from 'winston';

export type Logger = winston.Logger;

const SECRET_FIELD = /(pass(word)?|secret|token|authorization|api[_-]?key|^key$|cookie)/i;
const RAW_API_KEY = /pp_[A-Za-z0-9]{48}/g;
const URL_CREDENTIALS = /(\w+:\/\/)[^:@/\s]+:[^@/\s]+@/g;

/** Masks secrets: fields named like one, raw API keys and credentials inside URLs anywhere in a string. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string')
    return value.replace(RAW_API_KEY, 'pp_[REDACTED]').replace(URL_CREDENTIALS, '$1[REDACTED]@');
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error)
    return { name: value.name, message: redact(value.message, depth + 1), stack: redact(value.stack, depth + 1) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_FIELD.test(key) && item !== null && item !== undefined ? '[REDACTED]' : redact(item, depth + 1);
  }
  return out;
}

const redactFormat = winston.format((info) => {
  const clean = redact({ ...info }) as winston.Logform.TransformableInfo;
  for (const key of Object.keys(clean)) (info as Record<string, unknown>)[key] = clean[key];
  return info;
});

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Human-readable lines instead of JSON (local development). */
  pretty?: boolean;
  /** Extra transport, e.g. a stream tests read. */
  stream?: NodeJS.WritableStream;
  /** Write to the console (default true). */
  console?: boolean;
}

/** JSON lines with a timestamp and the service name; children add request or job ids. */
export function createLogger(options: LoggerOptions): Logger {
  const format = winston.format.combine(
    winston.format.errors({ stack: true }),
    redactFormat(),
    winston.format.timestamp(),
    options.pretty ? winston.format.simple() : winston.format.json(),
  );
  const transports: winston.transport[] = [];
  if (options.console !== false) transports.push(new winston.transports.Console({ stderrLevels: ['error'] }));
  if (options.stream) transports.push(new winston.transports.Stream({ stream: options.stream }));
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format,
    transports,
  });
}
