import { EventBus } from './event-bus';

describe('EventBus', () => {
  it('awaits every listener of an event in subscription order, and only those', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('scores.changed', async (e) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(`a:${e.boardId}`);
    });
    bus.on('scores.changed', (e) => void seen.push(`b:${e.boardId}`));
    bus.on('board.deleted', (e) => void seen.push(`deleted:${e.boardId}`));
    await bus.emit('scores.changed', { boardId: 'x' });
    expect(seen).toEqual(['a:x', 'b:x']);
  });

  it('lets a failing listener fail the emitter', async () => {
    const bus = new EventBus();
    bus.on('board.deleted', () => {
      throw new Error('no');
    });
    await expect(bus.emit('board.deleted', { boardId: 'x' })).rejects.toThrow('no');
  });
});
