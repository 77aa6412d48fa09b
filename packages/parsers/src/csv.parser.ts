import { defineParser } from '@proxy-pool/plugin-contracts';
import { looksLikeIPv4, looksLikePort } from './core/address.js';
import { CandidateCollector } from './core/candidate-collector.js';
import { readCsvRows, detectDelimiter } from './core/csv-reader.js';
import { entryOfFields, rolesOfHeader, valuesOfRow, type FieldRole } from './core/fields.js';
import { isMostly, sampleHead, stripBom } from './core/text.js';

const MAX_SAMPLE_ROWS = 100;
/** Without a header row, columns are `ip,port[,protocol]`. */
const HEADERLESS_ROLES: ReadonlyMap<number, FieldRole> = new Map([
  [0, 'ip'],
  [1, 'port'],
  [2, 'protocol'],
]);

function isBlankOrComment(row: readonly string[]): boolean {
  const first = row[0]?.trim() ?? '';
  return (row.length === 1 && first === '') || first.startsWith('#');
}

function looksLikeHeaderlessRow(row: readonly string[]): boolean {
  return row.length >= 2 && looksLikeIPv4(row[0]?.trim() ?? '') && looksLikePort(row[1]?.trim() ?? '');
}

/** Delimited rows (`,` `;` or tab, quoted fields), with a header naming ip/port columns or headerless `ip,port[,protocol]`. */
export const csvParser = defineParser({
  name: 'csv',
  supports(sample) {
    const text = sampleHead(sample.body);
    let rows = 0;
    let matching = 0;
    for (const row of readCsvRows(text, detectDelimiter(text))) {
      if (isBlankOrComment(row)) continue;
      if (rows === 0 && row.length >= 2 && rolesOfHeader(row) !== null) return true;
      rows++;
      if (looksLikeHeaderlessRow(row)) matching++;
      if (rows >= MAX_SAMPLE_ROWS) break;
    }
    return isMostly(matching, rows);
  },
  parse(body, context) {
    const collector = new CandidateCollector(context.defaultProtocol);
    const text = stripBom(body);
    let roles: ReadonlyMap<number, FieldRole> | null = null;
    for (const row of readCsvRows(text, detectDelimiter(text))) {
      if (isBlankOrComment(row)) continue;
      if (roles === null) {
        roles = rolesOfHeader(row) ?? HEADERLESS_ROLES;
        if (roles !== HEADERLESS_ROLES) continue;
      }
      collector.add(entryOfFields(valuesOfRow(row, roles)));
    }
    return collector.result();
  },
});
