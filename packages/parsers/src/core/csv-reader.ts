const QUOTE = 34;
const LF = 10;
const CR = 13;

/** The first line that is neither blank nor a `#` comment (looking at the first 4 KiB only). */
function firstDataLine(text: string): string {
  const head = text.slice(0, 4096);
  return head.split('\n').find((line) => line.trim() !== '' && !line.trimStart().startsWith('#')) ?? '';
}

/** Picks `,`, `;` or tab: whichever occurs most in the first data line (comma on a tie or none). */
export function detectDelimiter(text: string): string {
  const line = firstDataLine(text);
  let best = ',';
  let bestCount = 0;
  for (const delimiter of [',', ';', '\t']) {
    const count = line.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** Reads a quoted field starting at `start` (on the opening quote); returns its value and the index after it. */
function readQuoted(text: string, start: number): [string, number] {
  let value = '';
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return [value + text.slice(from), text.length];
    if (text.charCodeAt(quote + 1) === QUOTE) {
      value += text.slice(from, quote + 1);
      from = quote + 2;
      continue;
    }
    return [value + text.slice(from, quote), quote + 1];
  }
}

/**
 * Yields rows of an RFC 4180-style text: quoted fields with `""` escapes and embedded newlines, CRLF or LF.
 * One pass over the text; anything between a closing quote and the next delimiter is dropped.
 */
export function* readCsvRows(text: string, delimiter: string): Generator<string[]> {
  const separator = delimiter.charCodeAt(0);
  const length = text.length;
  let row: string[] = [];
  let i = 0;
  while (i < length) {
    let end = i;
    if (text.charCodeAt(i) === QUOTE) {
      const [value, after] = readQuoted(text, i);
      row.push(value);
      end = after;
    }
    let stop = end;
    while (stop < length) {
      const code = text.charCodeAt(stop);
      if (code === separator || code === LF || code === CR) break;
      stop++;
    }
    if (end === i) row.push(text.slice(i, stop));
    if (stop >= length) break;
    if (text.charCodeAt(stop) === separator) {
      i = stop + 1;
      if (i === length) row.push('');
      continue;
    }
    i = text.charCodeAt(stop) === CR && text.charCodeAt(stop + 1) === LF ? stop + 2 : stop + 1;
    yield row;
    row = [];
  }
  if (row.length > 0) yield row;
}
