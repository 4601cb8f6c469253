/**
 * Contract section 1: "at most 10 `clientMetadata` entries as the caller sent them". `JSON.parse`
 * keeps the last of duplicate keys, so the members are counted in the raw text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countClientMetadataMembers } from '../../lambda/shared/json-member-count';

describe('countClientMetadataMembers', () => {
  it.each([
    ['no clientMetadata', '{"username":"a"}', undefined],
    ['an empty object', '{"clientMetadata":{}}', 0],
    ['distinct keys', '{"username":"a","clientMetadata":{"a":"1","b":"2"}}', 2],
    ['a duplicate key', '{"clientMetadata":{"a":"1","a":"2"}}', 2],
    ['whitespace everywhere', ' {\n "clientMetadata" :\t{ "a" : "1" ,\r\n "a" : "2" } } ', 2],
    ['nested values counted once', '{"clientMetadata":{"a":{"x":1,"y":[1,{"z":2}]},"b":[]}}', 2],
    ['braces and quotes inside strings', '{"clientMetadata":{"a":"}{,\\"","b}":"x"}}', 2],
    [
      'a nested clientMetadata ignored',
      '{"x":{"clientMetadata":{"a":"1"}},"username":"a"}',
      undefined,
    ],
    ['an escaped member name', '{"client\\u004detadata":{"a":"1","a":"1","a":"1"}}', 3],
    [
      'the last of repeated members',
      '{"clientMetadata":{"a":"1"},"clientMetadata":{"a":"1","a":"2"}}',
      2,
    ],
    ['a non-object member', '{"clientMetadata":["a","b"]}', undefined],
    ['a string member', '{"clientMetadata":"a"}', undefined],
    ['numbers and literals around', '{"n":-1.5e3,"t":true,"clientMetadata":{"a":null,"b":0}}', 2],
    ['a non-object body', '["clientMetadata"]', undefined],
    ['text that is not JSON', '{"clientMetadata":{"a":', undefined],
  ])('%s', (_, text, expected) => {
    expect(countClientMetadataMembers(text)).toBe(expected);
  });

  it('agrees with JSON.parse whenever the text has no duplicate keys', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 15 }),
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }),
        (metadata, rest) => {
          const text = JSON.stringify({ ...rest, clientMetadata: metadata }, null, 1);
          const parsed = JSON.parse(text) as { clientMetadata: object };
          expect(countClientMetadataMembers(text)).toBe(Object.keys(parsed.clientMetadata).length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('counts every copy of a duplicated key', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 8 }), fc.nat(5), (keys, copies) => {
        const members = keys.flatMap((key) =>
          Array.from({ length: copies + 1 }, (_, i) => `${JSON.stringify(key)}:${i}`),
        );
        const text = `{"clientMetadata":{${members.join(',')}}}`;
        expect(countClientMetadataMembers(text)).toBe(keys.length * (copies + 1));
      }),
    );
  });
});
