import type { ZodObject, ZodPipe, ZodType } from 'zod';
import type { ErrorCode } from '../errors.js';

export type DocMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface DocResponse {
  description: string;
  /** The JSON body; omit for answers without one (204). */
  schema?: ZodType;
  /** Bodies that are not JSON, by media type (text/plain, text/html, …). */
  content?: Record<string, ZodType>;
}

/**
 * One documented operation. Request schemas are the very objects the route parses with, so the document
 * cannot drift from what the API accepts.
 */
export interface RouteDoc {
  method: DocMethod;
  /** OpenAPI form: `/sources/{source_id}`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Needs no API key (no bearer security, no 401/429). */
  public?: boolean;
  /** Needs the admin role: adds 403 FORBIDDEN. */
  admin?: boolean;
  /** Reaches PostgreSQL or Redis, so it may answer 503 SERVICE_UNAVAILABLE. Default true. */
  dependencies?: boolean;
  /** False for handlers that answer outside the API's conventions (the judge): only `responses` apply. */
  standardErrors?: false;
  request?: {
    params?: ZodObject | ZodPipe;
    query?: ZodObject | ZodPipe;
    headers?: ZodObject;
    body?: ZodType;
  };
  /** Success answers (and any answer whose body is not the error envelope), by status. */
  responses: Record<number, DocResponse>;
  /** Error codes the operation answers besides the standard ones, each with when; the status comes from ERROR_STATUS. */
  errors?: Partial<Record<ErrorCode, string>>;
}
