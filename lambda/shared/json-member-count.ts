/**
 * Counts the members of the top-level `clientMetadata` object in the raw JSON text, as the
 * caller sent them. `JSON.parse` keeps only the last of duplicate keys, so `{"a":"1","a":"2"}`
 * parses to one entry although two were sent; contract section 1 limits the entries "as the
 * caller sent them". A small scanner over text that `JSON.parse` has already accepted, rather
 * than a second JSON parser dependency: it only needs to find string, object and array bounds.
 */

/**
 * The number of members of the top-level object's `clientMetadata` member as written, duplicate
 * keys included; `undefined` when the text is not an object, has no `clientMetadata`, or that
 * member is not an object. With several `clientMetadata` members the last one counts, as it is
 * the one `JSON.parse` keeps. Meant for text `JSON.parse` accepted; anything else gives
 * `undefined`, never an exception.
 *
 * @example
 * countClientMetadataMembers('{"username":"a","clientMetadata":{"k":"1","k":"2"}}') // 2
 * countClientMetadataMembers('{"username":"a"}') // undefined
 */
export function countClientMetadataMembers(json: string): number | undefined {
  try {
    return scanTopLevel(json);
  } catch {
    return undefined;
  }
}

class MalformedJsonError extends Error {
  override readonly name = 'MalformedJsonError';
}

function scanTopLevel(text: string): number | undefined {
  let pos = skipWhitespace(text, 0);
  if (text[pos] !== '{') return undefined;
  let count: number | undefined;
  pos = forEachMember(text, pos, (keyStart, keyEnd, valueStart) => {
    const isMetadata = JSON.parse(text.slice(keyStart, keyEnd)) === 'clientMetadata';
    if (isMetadata) count = text[valueStart] === '{' ? countMembers(text, valueStart) : undefined;
    return skipValue(text, valueStart);
  });
  return count;
}

function countMembers(text: string, open: number): number {
  let members = 0;
  forEachMember(text, open, (_keyStart, _keyEnd, valueStart) => {
    members++;
    return skipValue(text, valueStart);
  });
  return members;
}

/**
 * Walks the members of the object opening at `open`; `visit` gets the key token's bounds and
 * the value's start and returns the index after the value. Returns the index after `}`.
 */
function forEachMember(
  text: string,
  open: number,
  visit: (keyStart: number, keyEnd: number, valueStart: number) => number,
): number {
  let pos = skipWhitespace(text, open + 1);
  if (text[pos] === '}') return pos + 1;
  for (;;) {
    if (text[pos] !== '"') throw new MalformedJsonError();
    const keyEnd = skipString(text, pos);
    const colon = skipWhitespace(text, keyEnd);
    if (text[colon] !== ':') throw new MalformedJsonError();
    const valueStart = skipWhitespace(text, colon + 1);
    pos = skipWhitespace(text, visit(pos, keyEnd, valueStart));
    if (text[pos] === ',') {
      pos = skipWhitespace(text, pos + 1);
    } else if (text[pos] === '}') {
      return pos + 1;
    } else {
      throw new MalformedJsonError();
    }
  }
}

/** The index after the value starting at `start`. */
function skipValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return skipString(text, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    let pos = start;
    while (pos < text.length) {
      const char = text[pos];
      if (char === '"') {
        pos = skipString(text, pos);
        continue;
      }
      if (char === '{' || char === '[') depth++;
      else if (char === '}' || char === ']') {
        depth--;
        if (depth === 0) return pos + 1;
      }
      pos++;
    }
    throw new MalformedJsonError();
  }
  // A number, true, false or null: runs up to the next delimiter.
  let pos = start;
  while (pos < text.length && !/[\s,}\]]/.test(text[pos] ?? '')) pos++;
  if (pos === start) throw new MalformedJsonError();
  return pos;
}

/** The index after the string token opening at `open` (a `"`), escapes honoured. */
function skipString(text: string, open: number): number {
  let pos = open + 1;
  while (pos < text.length) {
    const char = text[pos];
    if (char === '\\') pos += 2;
    else if (char === '"') return pos + 1;
    else pos++;
  }
  throw new MalformedJsonError();
}

function skipWhitespace(text: string, start: number): number {
  let pos = start;
  while (
    pos < text.length &&
    (text[pos] === ' ' || text[pos] === '\t' || text[pos] === '\n' || text[pos] === '\r')
  )
    pos++;
  return pos;
}
