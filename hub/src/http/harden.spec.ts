import { ETAG_MAX_BYTES, weakETag } from './harden';

// Express' own default ETag generator, which weakETag must agree with wherever it makes one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const expressWeakETag = require('express/lib/utils').wetag as (body: Buffer | string, encoding?: BufferEncoding) => string;

describe('weakETag', () => {
  it("makes Express' own weak ETag for bodies up to the limit, strings and buffers alike", () => {
    const bodies: (Buffer | string)[] = ['', '{"ok":true}', '网格化社会治理', Buffer.from([0, 1, 2, 255]), 'x'.repeat(ETAG_MAX_BYTES)];
    for (const body of bodies) expect(weakETag(body, 'utf8')).toBe(expressWeakETag(body, 'utf8'));
    expect(weakETag('{"a":1}')).not.toBe(weakETag('{"a":2}'));
  });

  it('makes none for a body over the limit, counting bytes, not characters', () => {
    expect(weakETag('x'.repeat(ETAG_MAX_BYTES + 1))).toBeUndefined();
    expect(weakETag(Buffer.alloc(ETAG_MAX_BYTES + 1))).toBeUndefined();
    // 3 bytes per character in UTF-8: fewer characters than the limit, more bytes.
    expect(weakETag('网'.repeat(Math.ceil(ETAG_MAX_BYTES / 3) + 1), 'utf8')).toBeUndefined();
  });
});
