/** Values the API must refuse, by where they go (JSON property, query parameter, path segment) and schema. */
import type { Schema } from './openapi-operations.js';

export const LONE_SURROGATES = ['\ud800', 'a\udc00b', '\udbff\ud800', 'x\ud83d'];
export const NULS = ['\u0000', 'abc\u0000', '\u0000'.repeat(10)];
export const UNICODE_WITH_CONTROL = ['\u202e漢字🙂\u0007', 'Ａ\u0301\u200b\u0008', '🙂'.repeat(400)];
/** Over the 1 MB body limit: 413. */
export const HUGE = 'x'.repeat(1_100_000);
/** Percent-encoded in a URL: bad escapes, invalid UTF-8 (an encoded surrogate, a lone continuation byte), NUL. */
export const BAD_ENCODED = ['%ZZ', '%', '%E0%A4%A', '%C3%28', '%ED%A0%80', '%FF', '%00', '%C0%AF'];

/** Values invalid for any property of this JSON type (the schema's own range decides the borderline ones). */
export function badValues(schema: Schema): unknown[] {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') {
    const values: unknown[] = [1e-85, 1e308, -1e308, '9007199254740993', 'NaN', '1', null, true, [1], { n: 1 }];
    if (type === 'integer') values.push(0.5, 1 + 1e-12);
    // -0 is a fine value where 0 is (a minimum of 0): it is only bad above that.
    if ((schema.minimum ?? -Infinity) > 0) values.push(-0);
    return values;
  }
  if (type === 'boolean') return ['true', 1, 0, null, 'yes', [true]];
  if (type === 'array')
    return ['*', [1], [], [LONE_SURROGATES[0]], [NULS[0]], Array.from({ length: 100 }, () => 'a'), [HUGE]];
  if (type === 'object') return ['x', 1, [], null];
  return [12345, true, null, [], {}, '', ...LONE_SURROGATES, ...NULS, ...UNICODE_WITH_CONTROL, 'é'.repeat(3000), HUGE];
}

/** Bad query values by the parameter's schema: every one of them is refused. */
export function badQueryValues(schema: Schema): string[] {
  const common = ['%ZZ', '%FF', '%ED%A0%80', '%00', encodeURIComponent('\u202e漢字🙂'), 'x'.repeat(3000)];
  if (schema.enum) return [...common, 'bogus', '', 'NaN', '-0', `${String(schema.enum[0]).toUpperCase()}X`];
  if (schema.type === 'integer')
    return [...common, '0', '-0', '-1', '1.5', '1e-85', 'NaN', 'abc', '', '99999999999999999999', '1e309'];
  if (schema.pattern?.includes('\\d+('))
    return [
      ...common,
      'abc',
      'NaN',
      '1e-85',
      `0.${'0'.repeat(84)}1`,
      '-1',
      '1e309',
      '9'.repeat(400),
      '',
      '0x10',
      '+1',
      'Infinity',
    ];
  if (schema.pattern === '^\\d+$') return [...common, '0', '-1', '1.5', 'abc', '', '99999999999', '1e3'];
  if (schema.pattern?.includes('A-Za-z')) return [...common, 'USA', 'U', '12', '', encodeURIComponent('ÜS')];
  if (schema.pattern) return [...common, 'zz', '', 'G'.repeat(20)];
  // Free text (cursors): anything that is not one of ours.
  return [
    ...common,
    'garbage',
    'eyJpZCI6Ii4uLiJ9',
    encodeURIComponent(Buffer.from('{"id":"x","k":1e-85}').toString('base64url')),
    'x'.repeat(2049),
  ];
}

export const BAD_PATH_VALUES = [
  ...BAD_ENCODED,
  'not-a-uuid',
  encodeURIComponent('漢字🙂'),
  'x'.repeat(5000),
  '00000000-0000-0000-0000-00000000000G',
  '..%2F..%2Fetc',
  '-0',
  '1e-85',
  'NaN',
  '%20',
  '%2500',
];
