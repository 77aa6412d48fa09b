import { isUtf8 } from 'node:buffer';
import express, { type Request, type RequestHandler } from 'express';
import { AppError } from '../errors.js';

const BODY_LIMIT = '1mb';
/** Media types read as JSON (`application/json`, and `+json` types such as `application/merge-patch+json`). */
const JSON_TYPES = ['application/json', 'application/*+json'];

/** A body was sent: any length but zero (curl's `-X POST -d ''` sends `Content-Length: 0`). */
const announcesBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const unsupportedMediaType = (req: Request) =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as JSON with Content-Type: application/json.', {
    content_type: req.get('content-type') ?? null,
  });

/**
 * JSON is UTF-8: a body with invalid byte sequences is refused (400) rather than read with U+FFFD in their
 * place, which would store text the client never sent.
 */
function refuseInvalidUtf8(req: Request, _res: unknown, bytes: Buffer): void {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
  if ((charset === undefined || charset === 'utf-8' || charset === 'utf8') && !isUtf8(bytes)) {
    throw Object.assign(new Error('The request body is not valid UTF-8.'), { type: 'entity.encoding.invalid' });
  }
}

/**
 * Parses JSON bodies (inflating gzip, deflate and br). A body of any other type is refused with 415 before any
 * route runs: read as JSON it would be empty, and an acquire would lease an unfiltered proxy and charge for
 * it. A request without a body (or an empty one, whatever its type) goes through; GET and HEAD bodies are
 * never read.
 */
export function requestBody(): RequestHandler {
  const json = express.json({ limit: BODY_LIMIT, type: JSON_TYPES, verify: refuseInvalidUtf8 });
  // Reads (and inflates) a body of another type only to learn whether it is empty, e.g. a chunked empty body.
  const other = express.raw({ limit: BODY_LIMIT, type: () => true });
  return (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || !announcesBody(req)) return next();
    if (req.is(JSON_TYPES)) return json(req, res, next);
    other(req, res, (error?: unknown) => {
      if (error) return next(error);
      const bytes = req.body as Buffer | undefined;
      req.body = undefined;
      next(bytes && bytes.length > 0 ? unsupportedMediaType(req) : undefined);
    });
  };
}
