import { resolve } from 'node:path';
import { luaReturnedFields } from '../valkey/lua-script';
import { decodeReadHeader } from './read-header';

describe('decodeReadHeader', () => {
  it("reads each slot where standings.lib.lua's headerReply puts it", () => {
    const order = luaReturnedFields(
      resolve(__dirname, '../valkey/standings.lib.lua'),
      'headerReply',
    );
    expect(order[0]).toBe('status');
    // A reply whose every slot holds its own name: each name must come back under itself.
    const decoded = decodeReadHeader(order);
    expect(Object.keys(decoded).sort()).toEqual([...order].sort());
    for (const name of order) expect(decoded[name as keyof typeof decoded]).toBe(name);
  });

  it('reads a 304 status reply, which carries the version second', () => {
    expect(decodeReadHeader(['NOT_MODIFIED', '17.3'])).toMatchObject({
      status: 'NOT_MODIFIED',
      version: '17.3',
      periodId: undefined,
    });
  });

  it('reads a refusal, which carries its status alone', () => {
    expect(decodeReadHeader(['NOT_FOUND'])).toMatchObject({
      status: 'NOT_FOUND',
      total: undefined,
    });
  });
});
