import { z } from 'zod';
import { AppError } from '../errors.js';
import { unstorableText } from './storable-text.js';

export interface FieldProblem {
  field: string;
  message: string;
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

/**
 * Parses input against a schema, or throws 422 VALIDATION_ERROR naming every bad field. Text no column could
 * store (NUL, unpaired surrogates) is refused in any field, before the schema.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'request'): z.infer<S> {
  const unstorable = unstorableText(input);
  const result = unstorable.length === 0 ? schema.safeParse(input ?? {}) : undefined;
  if (result?.success) return result.data;
  const fields = result ? fieldProblems(result.error) : unstorable;
  const names = [...new Set(fields.map((f) => f.field))].join(', ');
  throw new AppError('VALIDATION_ERROR', `Invalid ${where}: ${names}.`, { fields });
}

/**
 * Smallest non-zero magnitude a filter value may have. Scores, latencies and uptimes are PostgreSQL `real`s
 * (32-bit): a value under about 1e-38 underflows ("out of range for type real") and means nothing anyway.
 */
const REAL_MIN_MAGNITUDE = 1e-30;

/** A number compared with a `real` column: zero, or at least {@link REAL_MIN_MAGNITUDE} in magnitude. */
export const realNumber = (min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine(
      (value) => value === 0 || Math.abs(value) >= REAL_MIN_MAGNITUDE,
      `must be 0 or at least ${REAL_MIN_MAGNITUDE} in magnitude`,
    );

/** An autonomous system number (32 bits; 0 is reserved). */
export const asNumber = z.number().int().min(1).max(4_294_967_295);

/** An ISO 3166-1 alpha-2 country code, upper-cased (a filter's `us` means `US`). */
export const countryCode = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
  .transform((code) => code.toUpperCase());

/** A `true`/`false` query parameter, as a boolean (anything else is a validation error). */
export const booleanQueryParam = () => z.enum(['true', 'false']).transform((value) => value === 'true');
