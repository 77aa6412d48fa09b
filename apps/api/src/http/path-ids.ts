import { notFound } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids that cannot be UUIDs name nothing: 404, like an unknown id (never a database error). */
export function assertId(value: string, what: string): void {
  if (!UUID.test(value)) throw notFound(what);
}
