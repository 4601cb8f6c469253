/**
 * What the local stack keeps in memory is capped (a long run or a load test cannot grow it
 * without bound), and request targets are taken apart without URL resolution.
 */
import { describe, expect, it } from 'vitest';
import { keepNewest, keepNewestKeys, RECORD_CAP } from '../../local/bounded';
import { LocalEventBus } from '../../local/event-bus';
import { requestTarget } from '../../local/http-util';
import { storedKey } from '../../local/safe-data-store';

describe('records kept in memory', () => {
  it('keep the newest entries of a list up to the cap', () => {
    const list = [1, 2, 3, 4, 5];
    keepNewest(list, 3);
    expect(list).toEqual([3, 4, 5]);
  });

  it('keep the newest keys of a map up to the cap', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    keepNewestKeys(map, 2);
    expect([...map.keys()]).toEqual(['b', 'c']);
  });

  it(`keep the newest ${RECORD_CAP} bus events`, () => {
    // Prepare
    const bus = new LocalEventBus('bus', 'us-east-1', '000000000000');
    const put = (index: number) =>
      bus.handle('PutEvents', {
        Entries: [
          { EventBusName: 'bus', Source: 's', DetailType: 't', Detail: JSON.stringify({ index }) },
        ],
      });

    // Act
    for (let index = 0; index < RECORD_CAP + 5; index += 1) put(index);

    // Assess
    const events = bus.events();
    expect(events).toHaveLength(RECORD_CAP);
    expect(events[0]?.detail).toEqual({ index: 5 });
    expect(events.at(-1)?.detail).toEqual({ index: RECORD_CAP + 4 });
  });
});

describe('request targets', () => {
  it.each([
    { target: '/password/forgot', path: '/password/forgot', query: '' },
    { target: '/password/forgot?a=1&b=2', path: '/password/forgot', query: 'a=1&b=2' },
    { target: '///', path: '///', query: '' },
    {
      target: '//evil.example/password/forgot',
      path: '//evil.example/password/forgot',
      query: '',
    },
    { target: '/mailbox?to=a%40b.c#frag', path: '/mailbox', query: 'to=a%40b.c' },
  ])('$target is the path $path', ({ target, path, query }) => {
    const parsed = requestTarget(target);
    expect(parsed?.path).toBe(path);
    expect(parsed?.query.toString()).toBe(query);
  });

  it.each(['*', 'http://host/password/forgot', '', undefined])('%s is no path (404)', (target) => {
    expect(requestTarget(target)).toBeUndefined();
  });
});

describe('names stored as keys in the Cognito emulator', () => {
  it.each([
    { name: 'demo@example.com', stored: 'demo@example.com' },
    { name: '__proto__', stored: '\u0000__proto__' },
    { name: 'constructor', stored: '\u0000constructor' },
    { name: 'hasOwnProperty', stored: '\u0000hasOwnProperty' },
    { name: '\u0000x', stored: '\u0000\u0000x' },
  ])('$name is stored as an own key', ({ name, stored }) => {
    expect(storedKey(name)).toBe(stored);
  });
});
