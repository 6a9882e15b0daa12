import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LevelDbStore } from '../../src/state/index.js';
import { TouchstreamError } from '../../src/errors/index.js';
import { runStoreConformance } from './store-conformance.js';
import { assertCode, bytes, tempDir, text } from './support/helpers.js';
import type { TempDir } from './support/helpers.js';
import { backendSubject } from './support/subjects.js';

let dir: TempDir;
let counter = 0;
before(async () => {
  dir = await tempDir('leveldb');
});
after(async () => {
  await dir.remove();
});

runStoreConformance({
  name: 'the leveldb backend',
  async create() {
    const store = new LevelDbStore('leveldb-subject', join(dir.path, `db${counter++}`));
    await store.open();
    return backendSubject(store);
  },
  async reopen(subject) {
    const old = (subject as ReturnType<typeof backendSubject>).store;
    await old.close();
    const store = new LevelDbStore(old.name, old.location);
    await store.open();
    return backendSubject(store);
  },
  open: (subject) => (subject as ReturnType<typeof backendSubject>).store.open(),
});

describe('opening a leveldb store that cannot be used', () => {
  test('fails with TS_STATE_LOCKED, naming the path, when another store holds it', async () => {
    const path = join(dir.path, 'locked');
    const first = new LevelDbStore('profiles', path);
    await first.open();
    await first.write([{ key: 'k', value: bytes('v') }]);
    const second = new LevelDbStore('profiles', path);
    await assert.rejects(second.open(), (error: unknown) => {
      assert.ok(error instanceof TouchstreamError);
      assert.equal(error.code, 'TS_STATE_LOCKED');
      assert.match(error.message, new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.match(error.message, /stop the other/);
      return true;
    });
    assert.equal(second.status, 'closed');
    assert.equal(text(first.get('k')), 'v');
    await first.close();
    await second.open();
    assert.equal(text(second.get('k')), 'v');
    await second.close();
  });

  test('fails with TS_STATE_CORRUPT, saying to delete the directory, when its files are damaged', async () => {
    const path = join(dir.path, 'corrupt');
    const store = new LevelDbStore('profiles', path);
    await store.open();
    await store.write([{ key: 'k', value: bytes('v') }]);
    await store.close();
    await writeFile(join(path, 'CURRENT'), 'garbage-without-newline');
    const again = new LevelDbStore('profiles', path);
    await assert.rejects(again.open(), (error: unknown) => {
      assertCode('TS_STATE_CORRUPT')(error);
      assert.match((error as Error).message, /delete the directory/);
      assert.match((error as Error).message, /changelog/);
      return true;
    });
  });

  test('fails with TS_STATE_OPEN_FAILED when the path is a file', async () => {
    const path = join(dir.path, 'a-file');
    await mkdir(dir.path, { recursive: true });
    await writeFile(path, 'not a directory');
    const store = new LevelDbStore('profiles', path);
    await assert.rejects(store.open(), assertCode('TS_STATE_OPEN_FAILED'));
  });
});

describe('reading ahead from leveldb', () => {
  test('answers one value per key, absent ones undefined, as getSync would', async () => {
    const store = new LevelDbStore('profiles', join(dir.path, 'read-ahead'));
    await store.open();
    try {
      await store.write([
        { key: 'a', value: bytes('A') },
        { key: 'c', value: bytes('C') },
      ]);
      const found = await store.readAhead(['c', 'b', 'a']);
      assert.deepEqual(found.map(text), ['C', undefined, 'A']);
    } finally {
      await store.close();
    }
    await assert.rejects(store.readAhead(['a']), assertCode('TS_STATE_NOT_OPEN'));
  });

  test('a read-ahead of many keys, read in slices on several threads, keeps the order asked', async () => {
    const store = new LevelDbStore('profiles', join(dir.path, 'read-ahead-many'));
    await store.open();
    try {
      const stored = Array.from({ length: 700 }, (_, i) => `k${String(i).padStart(4, '0')}`);
      await store.write(stored.map((key) => ({ key, value: bytes(key.toUpperCase()) })));
      // Descending, with an absent key after every stored one.
      const asked = stored.toReversed().flatMap((key) => [key, `${key}-absent`]);
      const found = await store.readAhead(asked);
      assert.deepEqual(
        found.map((value) => (value === undefined ? undefined : text(value))),
        asked.map((key) => (key.endsWith('-absent') ? undefined : key.toUpperCase())),
      );
    } finally {
      await store.close();
    }
  });
});
