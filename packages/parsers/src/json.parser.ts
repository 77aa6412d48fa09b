import { defineParser } from '@proxy-pool/plugin-contracts';
import { CandidateCollector } from './core/candidate-collector.js';
import { entryOfFields, looksLikeEntry, roleOfName } from './core/fields.js';
import type { FieldValues } from './core/fields.js';
import { looksLikeProxyToken, parseProxyToken } from './core/proxy-token.js';
import type { RawEntry } from './core/raw-entry.js';
import { stripBom } from './core/text.js';

/** Keys under which wrapped responses keep their list (`{"data": [...]}`), tried before any other array. */
const LIST_KEYS = ['proxies', 'data', 'items', 'results', 'list', 'proxy_list', 'rows'];
const MAX_SAMPLE_ITEMS = 20;
/** Above this, detection only looks for hints instead of parsing the whole sample. */
const MAX_PARSED_SAMPLE = 256 * 1024;
/** For a truncated sample that no longer parses: a proxy-ish key or a quoted `ip:port` near the start. */
const PROXY_JSON_HINT =
  /"(?:ip|host|address|ip_?address|proxy)"\s*:|"(?:[a-z0-9]{1,10}:\/\/)?\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}"/i;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tryParse(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** The list of entries: the top-level array, an array under a list key (one level deep), or the first array. */
function findItems(value: Json, depth = 0): Json[] {
  if (Array.isArray(value)) return value;
  if (!isObject(value) || depth > 1) return [];
  for (const key of LIST_KEYS) {
    const nested = value[key];
    if (nested !== undefined && (Array.isArray(nested) || isObject(nested))) {
      const items = findItems(nested, depth + 1);
      if (items.length > 0) return items;
    }
  }
  const firstArray = Object.values(value).find(Array.isArray);
  if (firstArray !== undefined) return firstArray;
  return Object.keys(value).some((key) => roleOfName(key) === 'ip') ? [value] : [];
}

function scalarText(value: Json | undefined): string | undefined {
  if (Array.isArray(value)) return scalarText(value[0]);
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function valuesOfObject(item: { [key: string]: Json }): FieldValues {
  const values: FieldValues = {};
  for (const [key, value] of Object.entries(item)) {
    const role = roleOfName(key);
    const text = scalarText(value);
    if (role !== undefined && text !== undefined && values[role] === undefined) values[role] = text;
  }
  return values;
}

function entryOfItem(item: Json): RawEntry | null {
  if (typeof item === 'string') return parseProxyToken(item.trim());
  return isObject(item) ? entryOfFields(valuesOfObject(item)) : null;
}

function looksLikeItem(item: Json): boolean {
  if (typeof item === 'string') return looksLikeProxyToken(item.trim());
  return isObject(item) && looksLikeEntry(valuesOfObject(item));
}

/** An array of proxy objects (or `"ip:port"` strings), bare or wrapped in an object under a common key. */
export const jsonParser = defineParser({
  name: 'json',
  supports(sample) {
    const text = stripBom(sample.body).trimStart();
    if (!text.startsWith('[') && !text.startsWith('{')) return false;
    const parsed = text.length > MAX_PARSED_SAMPLE ? undefined : tryParse(text);
    if (parsed === undefined) return PROXY_JSON_HINT.test(text.slice(0, 4096));
    return findItems(parsed).slice(0, MAX_SAMPLE_ITEMS).some(looksLikeItem);
  },
  parse(body, context) {
    const collector = new CandidateCollector(context.defaultProtocol);
    const text = stripBom(body).trim();
    if (text === '') return collector.result();
    const parsed = tryParse(text);
    if (parsed === undefined) {
      collector.skip();
      return collector.result();
    }
    for (const item of findItems(parsed)) collector.add(entryOfItem(item));
    return collector.result();
  },
});
