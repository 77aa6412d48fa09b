/** A problem the operator must fix; its message is the one line to print. */
export class LocalServiceError extends Error {
  override name = 'LocalServiceError';
}
