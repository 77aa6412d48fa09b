import type { z } from 'zod';
import { AppError } from '../errors.js';

export interface FieldProblem {
  field: string;
  message: string;
}

export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || '(body)', message: issue.message }));
}

/** Parses input against a schema, or throws 422 VALIDATION_ERROR naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where = 'request'): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields = fieldProblems(result.error);
  const names = [...new Set(fields.map((f) => f.field))].join(', ');
  throw new AppError('VALIDATION_ERROR', `Invalid ${where}: ${names}.`, { fields });
}
