/** One table row as text cells; `header` when every cell was a `<th>`. */
export interface HtmlRow {
  cells: string[];
  header: boolean;
  /** Counts `<table>` openings, so rows of different tables can be told apart. */
  table: number;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (match, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
    }
    return ENTITIES[name.toLowerCase()] ?? match;
  });
}

function isTagNameChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** Lower-cased tag name after `<` (with a leading `/` for closing tags), e.g. `td`, `/tr`. */
function tagNameAt(html: string, start: number): string {
  let end = html.charCodeAt(start) === 47 ? start + 1 : start;
  while (end < html.length && isTagNameChar(html.charCodeAt(end))) end++;
  return html.slice(start, end).toLowerCase();
}

/** Accumulates cells and hands finished rows to the caller. */
class RowBuilder {
  table = 0;
  stopped = false;
  private cells: string[] | null = null;
  private cell: string[] | null = null;
  private allHeaders = true;

  constructor(private readonly onRow: (row: HtmlRow) => unknown) {}

  get inCell(): boolean {
    return this.cell !== null;
  }

  text(text: string): void {
    this.cell?.push(text);
  }

  openRow(): void {
    this.closeRow();
    this.cells = [];
    this.allHeaders = true;
  }

  openCell(header: boolean): void {
    this.closeCell();
    this.cells ??= [];
    this.allHeaders &&= header;
    this.cell = [];
  }

  closeCell(): void {
    if (this.cell !== null && this.cells !== null) {
      this.cells.push(decodeEntities(this.cell.join('')).replace(/\s+/g, ' ').trim());
    }
    this.cell = null;
  }

  closeRow(): void {
    this.closeCell();
    if (this.cells !== null && this.cells.length > 0 && !this.stopped) {
      this.stopped = this.onRow({ cells: this.cells, header: this.allHeaders, table: this.table }) === false;
    }
    this.cells = null;
  }
}

const RAW_TEXT_END: Readonly<Record<string, RegExp>> = { script: /<\/script/gi, style: /<\/style/gi };

/** Index of the tag closing a raw-text element (`</script`), searched case-insensitively from `from`. */
function rawTextEnd(html: string, name: string, from: number): number {
  const pattern = RAW_TEXT_END[name];
  if (pattern === undefined) return from;
  pattern.lastIndex = from;
  return pattern.exec(html)?.index ?? html.length;
}

/**
 * Walks the table rows of an HTML document in one pass, without a DOM: tolerant of missing `</td>` and
 * `</tr>`, skips comments, `<script>` and `<style>`, decodes common entities. `onRow` returns false to stop.
 */
export function forEachHtmlRow(html: string, onRow: (row: HtmlRow) => unknown): void {
  const rows = new RowBuilder(onRow);
  let i = 0;
  while (i < html.length && !rows.stopped) {
    const open = html.indexOf('<', i);
    const textEnd = open < 0 ? html.length : open;
    if (rows.inCell && textEnd > i) rows.text(html.slice(i, textEnd));
    if (open < 0) break;
    if (html.startsWith('!--', open + 1)) {
      const end = html.indexOf('-->', open + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const close = html.indexOf('>', open + 1);
    if (close < 0) break;
    const name = tagNameAt(html, open + 1);
    i = close + 1;
    if (name === 'script' || name === 'style') i = rawTextEnd(html, name, i);
    else if (name === 'table') {
      rows.closeRow();
      rows.table++;
    } else if (name === 'tr') rows.openRow();
    else if (name === '/tr' || name === '/table') rows.closeRow();
    else if (name === 'td' || name === 'th') rows.openCell(name === 'th');
    else if (name === '/td' || name === '/th') rows.closeCell();
    else if (name === 'br') rows.text(' ');
  }
  rows.closeRow();
}
