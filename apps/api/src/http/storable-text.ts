import type { FieldProblem } from './validate.js';

/** A NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its pair (it has no UTF-8 encoding). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point of this pattern.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 32;

/**
 * Every string (and object key) in `input` that no text column could store, as field problems: found before
 * any schema runs, so no field's rules have to repeat it and no such value ever reaches the database.
 */
export function unstorableText(input: unknown, path: string[] = [], depth = 0): FieldProblem[] {
  const here = (key?: string) => (key === undefined ? path : [...path, key]).join('.') || '(body)';
  if (typeof input === 'string') {
    return UNSTORABLE.test(input)
      ? [{ field: here(), message: 'must not contain NUL characters or unpaired UTF-16 surrogates' }]
      : [];
  }
  if (input === null || typeof input !== 'object' || depth >= MAX_DEPTH) return [];
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (UNSTORABLE.test(key))
      problems.push({ field: here(), message: 'has a field name with NUL characters or unpaired UTF-16 surrogates' });
    else problems.push(...unstorableText(value, [...path, key], depth + 1));
  }
  return problems;
}
