import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { databaseUnavailable } from '@proxy-pool/db';
import { DependencyUnavailableError } from '@proxy-pool/dependency-errors';
import { redisUnavailable } from '@proxy-pool/queues';
import { AppError, unavailable } from '../errors.js';

export function errorBody(error: AppError): {
  error: { code: string; message: string; details: Record<string, unknown> };
} {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};

type BodyParserError = Error & { type?: string; status?: number };

/** Failures of the request itself (its bytes, not its values): body-parser's `type`s. */
const BODY_ERRORS: Record<string, () => AppError> = {
  'entity.parse.failed': () => new AppError('INVALID_JSON', 'The request body is not valid JSON.'),
  'entity.too.large': () => new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.'),
  'encoding.unsupported': () =>
    new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported Content-Encoding: send the body as it is, or gzip, deflate or br.',
    ),
  'charset.unsupported': () =>
    new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported charset: send the body as UTF-8 JSON.'),
  // The body's declared Content-Length does not match what arrived.
  'request.size.invalid': () => new AppError('BAD_REQUEST', 'The request body does not match its Content-Length.'),
  'request.aborted': () => new AppError('BAD_REQUEST', 'The request body was not sent completely.'),
  'entity.encoding.invalid': () => new AppError('BAD_REQUEST', 'The request body is not valid UTF-8.'),
};

/** Turns anything thrown into the spec's error envelope. 500s reveal nothing but an error id that is in the log. */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const parserError = error as BodyParserError;
  const bodyError = typeof parserError?.type === 'string' ? BODY_ERRORS[parserError.type] : undefined;
  if (bodyError) return bodyError();
  // Any other body that could not be read, e.g. one that does not inflate with its Content-Encoding:
  // body-parser marks its own client errors with status 400 and `expose`.
  if (parserError?.status === 400 && (error as { expose?: unknown }).expose === true) {
    return new AppError(
      'BAD_REQUEST',
      'The request body could not be read: it does not decompress with its Content-Encoding, or it is incomplete.',
    );
  }
  // Express's router could not percent-decode a path parameter.
  if (error instanceof URIError) return new AppError('BAD_REQUEST', 'The request path is not valid percent-encoding.');
  const dependency = dependencyUnavailable(error);
  if (dependency) return unavailable(dependency.dependency);
  return null;
}

/** PostgreSQL or Redis cannot serve right now: by error type, as the database and queue packages classify them. */
function dependencyUnavailable(error: unknown): DependencyUnavailableError | null {
  if (error instanceof DependencyUnavailableError) return error;
  return redisUnavailable(error) ?? databaseUnavailable(error);
}

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let appError = toAppError(error);
  if (!appError) {
    const errorId = randomUUID();
    req.log?.error('unhandled error', { error_id: errorId, error });
    appError = new AppError(
      'INTERNAL_ERROR',
      `An internal error occurred. Quote error id ${errorId} when reporting it.`,
      { error_id: errorId },
    );
  } else if (appError.status >= 500) {
    req.log?.warn('dependency unavailable', { code: appError.code, reason: (error as Error)?.message });
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(appError.status).set(appError.headers).json(errorBody(appError));
};
