import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, unavailable } from '../errors.js';

export function errorBody(error: AppError): { error: { code: string; message: string; details: Record<string, unknown> } } {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};

type BodyParserError = Error & { type?: string; status?: number };

/** Turns anything thrown into the spec's error envelope. 500s reveal nothing but an error id that is in the log. */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.parse.failed') return new AppError('INVALID_JSON', 'The request body is not valid JSON.');
  if (parserError?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
  if (parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding.');
  }
  if (isDependencyDown(error)) return unavailable(dependencyName(error));
  return null;
}

function isDependencyDown(error: unknown): boolean {
  const text = `${(error as Error)?.name ?? ''} ${(error as Error)?.message ?? ''} ${(error as { code?: string })?.code ?? ''}`;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|enableOfflineQueue|MaxRetriesPerRequest|Can't reach database|timeout exceeded when trying to connect|Connection terminated|P1001|P1017|P2024|DatabaseNotReachable|the database system is (starting|shutting) up|terminating connection/i.test(
    text,
  );
}

function dependencyName(error: unknown): string {
  const text = `${(error as Error)?.name ?? ''} ${(error as Error)?.message ?? ''}`;
  return /offline|MaxRetries|Connection is closed|redis/i.test(text) ? 'redis' : 'postgres';
}

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  let appError = toAppError(error);
  if (!appError) {
    const errorId = randomUUID();
    req.log?.error('unhandled error', { error_id: errorId, error });
    appError = new AppError('INTERNAL_ERROR', `An internal error occurred. Quote error id ${errorId} when reporting it.`, { error_id: errorId });
  } else if (appError.status >= 500) {
    req.log?.warn('dependency unavailable', { code: appError.code, reason: (error as Error)?.message });
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(appError.status).set(appError.headers).json(errorBody(appError));
};
