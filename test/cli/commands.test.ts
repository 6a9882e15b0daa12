import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

const CLI = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function touchstream(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
}

test('replay writes the three files and reports what it did', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-replay-'));
  writeFileSync(
    join(dir, 'rules.json'),
    JSON.stringify([{ id: 'vip', kind: 'segment', when: { attr: 'level', eq: 'vip' } }]),
  );
  writeFileSync(
    join(dir, 'events.jsonl'),
    [
      JSON.stringify({
        type: 'customer.profile',
        id: 'e1',
        ts: 10,
        customerId: 'c1',
        attrs: { level: 'vip' },
      }),
      '{"type":"claim.settled","id":"e2","ts":11}',
    ].join('\n'),
  );
  const result = touchstream([
    'replay',
    '--rules',
    join(dir, 'rules.json'),
    '--events',
    join(dir, 'events.jsonl'),
    '--out',
    join(dir, 'out'),
    '--partitions',
    '3',
  ]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /1 events: 1 transitions, 0 touches, 1 dead letters/);
  assert.equal(
    readFileSync(join(dir, 'out', 'segments.jsonl'), 'utf8'),
    '{"at":10,"segment":"vip","customerId":"c1","change":"enter"}\n',
  );
  const dead = JSON.parse(readFileSync(join(dir, 'out', 'dead-letters.jsonl'), 'utf8')) as {
    line: number;
    reason: string;
  };
  assert.equal(dead.line, 2);
  assert.match(dead.reason, /customerId/);
});

test('replay refuses a rules file with a bad rule, naming the rule and the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-replay-'));
  writeFileSync(
    join(dir, 'rules.json'),
    JSON.stringify([
      { id: 'x', kind: 'segment', when: { attr: 'a', gt: 1 } },
      { id: 'y', kind: 'segment' },
    ]),
  );
  writeFileSync(join(dir, 'events.jsonl'), '');
  const result = touchstream([
    'replay',
    '--rules',
    join(dir, 'rules.json'),
    '--events',
    join(dir, 'events.jsonl'),
    '--out',
    join(dir, 'out'),
  ]);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /rule \[1\] rejected at \$/);
  assert.match(result.stderr, /TS_RUNTIME_RULES_FILE/);
});

test('an unknown command or a missing flag is a usage error', () => {
  assert.equal(touchstream(['frobnicate']).status, 2);
  const missing = touchstream(['replay', '--rules', 'r.json']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /replay needs --events/);
});

test('dev-kafka runs the embedded broker and registry for any client until stopped', async () => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'dev-kafka', '--port', '0', '--registry-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const banner = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('Ctrl-C')) resolve(text);
      });
      child.on('exit', (code) => reject(new Error(`dev-kafka exited with ${code}`)));
    });
    const broker = /broker on (\S+)/.exec(banner)?.[1] as string;
    const registry = /Registry on (\S+)/.exec(banner)?.[1] as string;
    const kafka = new Kafka({ brokers: [broker], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic: 'cli-check', messages: [{ key: 'k', value: 'v' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('cli-check');
    await admin.disconnect();
    assert.equal(offsets[0].high, '1');
    const subjects = await fetch(`${registry}/subjects`);
    assert.equal(subjects.status, 200);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0);
});
