const BOM = 0xfeff;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === BOM ? text.slice(1) : text;
}

/** Detection reads only the head of a sample, so `supports()` stays cheap on multi-megabyte bodies. */
const SAMPLE_LIMIT = 64 * 1024;

export function sampleHead(body: string, limit = SAMPLE_LIMIT): string {
  return stripBom(body.length > limit ? body.slice(0, limit) : body);
}

/** A clear majority of at least one: how every `supports()` turns line counts into a verdict. */
export function isMostly(matching: number, total: number): boolean {
  return matching > 0 && matching * 2 > total;
}
