import { defineParser } from '@proxy-pool/plugin-contracts';
import { looksLikeIPv4 } from './core/address.js';
import { CandidateCollector } from './core/candidate-collector.js';
import { entryOfFields, looksLikeEntry, rolesOfHeader, valuesOfRow } from './core/fields.js';
import type { FieldRole, FieldValues } from './core/fields.js';
import { forEachHtmlRow } from './core/html-rows.js';
import type { HtmlRow } from './core/html-rows.js';
import { looksLikeProxyToken } from './core/proxy-token.js';
import { sampleHead, stripBom } from './core/text.js';

/** Pages put scripts and styles before the table, so detection reads a larger head than other formats. */
const HTML_SAMPLE_LIMIT = 1024 * 1024;

/** A row of a table without a header: the first IPv4-looking cell and the cell after it, or an `ip:port` cell. */
function headerlessValues(cells: readonly string[]): FieldValues | null {
  const ipIndex = cells.findIndex(looksLikeIPv4);
  if (ipIndex >= 0) return { ip: cells[ipIndex], port: cells[ipIndex + 1] ?? '' };
  const token = cells.find(looksLikeProxyToken);
  return token === undefined ? null : { hostPort: token };
}

/** Follows header rows table by table and turns data rows into field values; header rows give null. */
function rowReader(): (row: HtmlRow) => FieldValues | null {
  let table = -1;
  let roles: ReadonlyMap<number, FieldRole> | null = null;
  return (row) => {
    if (row.table !== table) {
      table = row.table;
      roles = null;
    }
    const headerRoles = rolesOfHeader(row.cells);
    if (headerRoles !== null) {
      roles = headerRoles;
      return null;
    }
    if (row.cells.every((cell) => cell === '')) return null;
    return roles === null ? headerlessValues(row.cells) : valuesOfRow(row.cells, roles);
  };
}

/** `<table>` rows with IP and port cells, e.g. the free-proxy-list layout (IP Address, Port, …, Https yes/no). */
export const htmlTableParser = defineParser({
  name: 'html-table',
  supports(sample) {
    const html = sampleHead(sample.body, HTML_SAMPLE_LIMIT);
    if (!/<t[dh][\s>]/i.test(html)) return false;
    const read = rowReader();
    let found = false;
    forEachHtmlRow(html, (row) => {
      const values = read(row);
      found = values !== null && looksLikeEntry(values);
      return !found;
    });
    return found;
  },
  parse(body, context) {
    const collector = new CandidateCollector(context.defaultProtocol);
    const read = rowReader();
    forEachHtmlRow(stripBom(body), (row) => {
      const values = read(row);
      if (values !== null) collector.add(entryOfFields(values));
    });
    return collector.result();
  },
});
