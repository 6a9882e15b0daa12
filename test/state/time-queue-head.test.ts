import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TimeQueueHead } from '../../src/state/time-queue-head.js';
import type { HeadEntry } from '../../src/state/time-queue-head.js';
import { compareKeys, needsSlowCompare } from '../../src/state/key-order.js';

const NONE = new Uint8Array(0);

function entry(time: number, id: string): HeadEntry {
  return { key: `t${time}:${id}`, id, time, payload: NONE, slowId: needsSlowCompare(id) };
}

function order(a: HeadEntry, b: HeadEntry): number {
  return a.time !== b.time ? a.time - b.time : compareKeys(a.id, b.id);
}

function contents(head: TimeQueueHead): string[] {
  const out: string[] = [];
  for (let e = head.shift(); e !== undefined; e = head.shift()) out.push(`${e.time}/${e.id}`);
  return out;
}

describe('TimeQueueHead', () => {
  test('keeps entries in time order, ties by id in UTF-8 order', () => {
    const head = new TimeQueueHead(4);
    for (const [time, id] of [
      [5, 'b'],
      [5, '😀'],
      [5, '\uFFFF'],
      [1, 'z'],
      [5, 'a'],
      [9, 'a'],
    ] as const)
      head.insert(entry(time, id));
    assert.equal(head.size, 6);
    assert.equal(head.first()?.id, 'z');
    assert.equal(head.last()?.time, 9);
    assert.deepEqual(contents(head), ['1/z', '5/a', '5/b', '5/\uFFFF', '5/😀', '9/a']);
  });

  test('replaces an entry with the same time and id, and removes by time and id', () => {
    const head = new TimeQueueHead(4);
    head.insert(entry(3, 'x'));
    const again = entry(3, 'x');
    head.insert(again);
    assert.equal(head.size, 1);
    assert.equal(head.first(), again);
    assert.equal(head.remove(3, 'y', false), false);
    assert.equal(head.remove(4, 'x', false), false);
    assert.equal(head.remove(3, 'x', false), true);
    assert.equal(head.size, 0);
    assert.equal(head.first(), undefined);
    assert.equal(head.shift(), undefined);
    assert.equal(head.pop(), undefined);
  });

  test('matches a sorted reference through random inserts, removals and pops at both ends', () => {
    const head = new TimeQueueHead(4);
    let reference: HeadEntry[] = [];
    let seed = 99;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const ids = ['a', 'b', 'ab', '\uE000', '😀', 'k\uD83D\uDE00', 'k\uFFFF'];
    for (let step = 0; step < 20_000; step++) {
      const op = next(10);
      if (op < 5) {
        // Mostly at the edges, like a queue's schedules and loads, sometimes anywhere.
        const span = next(3) === 0 ? 1000 : 20;
        const base = op % 2 === 0 ? 0 : 1000 - span;
        const e = entry(base + next(span), ids[next(ids.length)]);
        head.insert(e);
        reference = reference.filter((r) => order(r, e) !== 0);
        reference.push(e);
        reference.sort(order);
      } else if (op < 7 && reference.length > 0) {
        const victim = reference[next(reference.length)];
        assert.equal(head.remove(victim.time, victim.id, victim.slowId), true);
        reference.splice(reference.indexOf(victim), 1);
      } else if (op < 8) {
        assert.equal(head.shift(), reference.shift());
      } else {
        assert.equal(head.pop(), reference.pop());
      }
      assert.equal(head.size, reference.length);
      assert.equal(head.first(), reference[0]);
      assert.equal(head.last(), reference[reference.length - 1]);
    }
    assert.deepEqual(
      contents(head),
      reference.map((e) => `${e.time}/${e.id}`),
    );
  });
});
