import { Logger } from '@nestjs/common';
import { AccountLifecycle } from './account-events';

describe('AccountLifecycle', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('delivers connected and webhookRepaired to their subscribers with their arguments', () => {
    const lifecycle = new AccountLifecycle();
    const seen: unknown[] = [];
    lifecycle.on('connected', (id, reconnected) => seen.push(['connected', id, reconnected]));
    lifecycle.on('webhookRepaired', (id, gapFrom) => seen.push(['repaired', id, gapFrom.toISOString()]));
    lifecycle.emit('connected', '42', true);
    lifecycle.emit('webhookRepaired', '42', new Date('2026-01-01T00:00:00Z'));
    expect(seen).toEqual([
      ['connected', '42', true],
      ['repaired', '42', '2026-01-01T00:00:00.000Z'],
    ]);
  });

  it('does nothing without subscribers, and a failing subscriber never reaches the emitter', async () => {
    const lifecycle = new AccountLifecycle();
    expect(() => lifecycle.emit('connected', '1', false)).not.toThrow();
    const after: string[] = [];
    lifecycle.on('connected', () => {
      throw new Error('sync is down');
    });
    lifecycle.on('connected', () => Promise.reject(new Error('async failure')));
    lifecycle.on('connected', (id) => void after.push(id));
    expect(() => lifecycle.emit('connected', '2', false)).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(after).toEqual(['2']);
  });

  it('stops delivering once unsubscribed', () => {
    const lifecycle = new AccountLifecycle();
    const seen: string[] = [];
    const off = lifecycle.on('connected', (id) => void seen.push(id));
    lifecycle.emit('connected', '1', false);
    off();
    lifecycle.emit('connected', '2', false);
    expect(seen).toEqual(['1']);
  });
});
