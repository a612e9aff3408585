import { textFrame } from './local-fanout';

/** Reads a frame back per RFC 6455 §5.2: FIN, opcode, mask bit, length, payload. */
function parse(frame: Buffer) {
  const fin = (frame[0] & 0x80) !== 0;
  const opcode = frame[0] & 0x0f;
  const masked = (frame[1] & 0x80) !== 0;
  let length = frame[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = frame.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    length = Number(frame.readBigUInt64BE(2));
    offset = 10;
  }
  return { fin, opcode, masked, length, offset, text: frame.toString('utf8', offset) };
}

describe('textFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 70_000])(
    'frames %i bytes with the shortest length encoding',
    (size) => {
      const text = 'x'.repeat(size);
      const frame = textFrame(text);
      const f = parse(frame);
      expect(f).toMatchObject({ fin: true, opcode: 1, masked: false, length: size, text });
      expect(f.offset).toBe(size < 126 ? 2 : size < 65_536 ? 4 : 10);
      expect(frame.length).toBe(f.offset + size);
    },
  );

  it('counts UTF-8 bytes, not characters', () => {
    const text = `42/live,["leaderboard.top",{"playerId":"é✓😀"}]`;
    const f = parse(textFrame(text));
    expect(f.length).toBe(Buffer.byteLength(text));
    expect(f.text).toBe(text);
  });
});
