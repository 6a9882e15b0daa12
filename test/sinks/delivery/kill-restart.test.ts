/**
 * THE soak: 100k touch commands delivered by two worker processes that are both killed with
 * SIGKILL and restarted, twice, mid-stream. At the fake provider every command must have been
 * accepted exactly once by idempotency key (raw duplicates, re-sends after a kill in the window
 * between a send and its markSent, are reported), held-out commands never, and no SMS inside
 * quiet hours. Simulated time starts shortly before the SMS quiet window ends, so early SMS wait
 * in the deferral queue through the kills and go out when it ends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTopics } from '../../../src/io/index.js';
import type { DeliveryFeedback, TouchCommand } from '../../../src/sinks/index.js';
import { waitFor } from '../../runtime/kafka/support/wait.js';
import { ChildWorker } from './support/child-worker.js';
import { DeliveryHarness, MORNING } from './support/delivery-harness.js';
import { HttpProvider } from './support/http-provider.js';
import type { ChildConfig } from './support/worker-child.js';

const COMMANDS = Number(process.env.TS_DELIVERY_SOAK_COMMANDS ?? 100_000);
const PARTITIONS = 4;
const CUSTOMERS = 20_000;
/** Real milliseconds from the start until the SMS quiet window (21:00-08:00 Shanghai) ends. */
const QUIET_FOR_MS = 12_000;
const PRODUCE_CHUNK = 5_000;

function soakCommand(i: number, at: number): TouchCommand {
  return {
    commandId: `soak-${i}`,
    at,
    trigger: i % 2 === 0 ? 'renewal-reminder' : 'claim-care',
    ruleVersion: 1,
    customerId: `c-${i % CUSTOMERS}`,
    channel: i % 10 < 3 ? 'sms' : 'push',
    template: 'reminder',
    params: { n: i },
    heldOut: i % 100 === 7,
    createdAt: at,
    phone: '13800000000',
    openid: null,
    pushRegistrationId: `reg-${i % CUSTOMERS}`,
  };
}

test(`delivers ${COMMANDS} commands exactly once through two kill -9 restarts of the workers, none inside quiet hours`, async (t) => {
  const started = Date.now();
  const clockOffsetMs = MORNING - QUIET_FOR_MS - started;
  const simClock = () => Date.now() + clockOffsetMs;
  const provider = await HttpProvider.start(simClock);
  const h = await DeliveryHarness.start({ partitions: PARTITIONS });
  const workers: ChildWorker[] = [];
  t.after(async () => {
    for (const w of workers) await w.kill();
    await provider.close();
    await h.close();
  });
  // Created here once, so the two workers do not race to create them.
  await ensureTopics(h.admin, [
    { topic: h.topics.feedback, partitions: PARTITIONS },
    { topic: h.topics.deadLetters, partitions: 1 },
  ]);
  const config = (instanceId: string): ChildConfig => ({
    brokers: h.broker.brokers,
    applicationId: h.applicationId,
    instanceId,
    touchesTopic: h.topics.touches,
    feedbackTopic: h.topics.feedback,
    deadLetterTopic: h.topics.deadLetters,
    partitions: PARTITIONS,
    guards: {
      keyPrefix: h.redis.prefix,
      idempotency: { leaseMs: 4_000 },
      frequencyCaps: { total: [{ max: 1_000, per: 'day' }] },
      quietHours: { sms: { from: '21:00', to: '08:00' } },
    },
    providerUrl: provider.url,
    clockOffsetMs,
    batchSize: 500,
    concurrency: 64,
    deferralLeaseMs: 3_000,
  });
  const startAll = async () => {
    workers.length = 0;
    workers.push(...(await Promise.all(['w-a', 'w-b'].map((id) => ChildWorker.spawn(config(id))))));
  };
  const killAll = async () => {
    for (const w of workers) await w.kill();
  };

  await startAll();
  const expected = new Set<string>();
  for (let from = 0; from < COMMANDS; from += PRODUCE_CHUNK) {
    const chunk: TouchCommand[] = [];
    for (let i = from; i < Math.min(COMMANDS, from + PRODUCE_CHUNK); i++) {
      const c = soakCommand(i, simClock());
      chunk.push(c);
      if (!c.heldOut) expected.add(c.commandId);
    }
    await h.produce(chunk);
  }
  t.diagnostic(`produced ${COMMANDS} commands in ${Date.now() - started} ms`);

  const progress = (share: number) =>
    waitFor(() => provider.accepted >= share * expected.size, {
      timeoutMs: 90_000,
      what: `${share * 100}% of the commands accepted (at ${provider.accepted})`,
      intervalMs: 20,
    });
  for (const share of [0.25, 0.6]) {
    await progress(share);
    await killAll();
    t.diagnostic(
      `killed both workers at ${provider.accepted} accepted, ${Date.now() - started} ms`,
    );
    await startAll();
  }
  await progress(1);
  t.diagnostic(`all ${expected.size} accepted after ${Date.now() - started} ms`);
  await waitFor(
    async () => {
      const committed = await h.committed();
      let behind = 0;
      for (let p = 0; p < PARTITIONS; p++)
        behind += (h.broker.offsets(h.topics.touches, p)?.highWatermark ?? 0) - committed[p];
      return behind === 0 && (await h.redis.redis.zcard(`${h.redis.prefix}deferred`)) === 0;
    },
    { timeoutMs: 30_000, what: 'every offset committed and the deferral queue empty' },
  );
  for (const w of workers) await w.stop();

  const { keys, channels, at } = provider.log;
  const accepted = provider.distinctKeys();
  const missing = [...expected].filter((id) => !accepted.has(id));
  const unexpected = [...accepted].filter((id) => !expected.has(id));
  assert.deepEqual(missing, [], 'every command not held out was accepted');
  assert.deepEqual(unexpected, [], 'no held-out or unknown command reached the provider');
  const duplicates = keys.length - accepted.size;
  t.diagnostic(
    `${keys.length} requests for ${accepted.size} commands: ${duplicates} raw duplicates (re-sends after a kill, deduplicated by idempotency key)`,
  );

  let sms = 0;
  for (let i = 0; i < keys.length; i++) {
    if (channels[i] !== 'sms') continue;
    sms += 1;
    assert.ok(at[i] >= MORNING, `${keys[i]} reached the provider inside quiet hours`);
  }
  assert.ok(sms > 0.25 * COMMANDS, 'SMS went out once the window ended');

  const feedback = h.feedback();
  const outcomes = new Map<string, Set<DeliveryFeedback['status']>>();
  for (const f of feedback) {
    let statuses = outcomes.get(f.commandId);
    if (statuses === undefined) outcomes.set(f.commandId, (statuses = new Set()));
    statuses.add(f.status);
  }
  const deferred = feedback.filter((f) => f.status === 'deferred' && f.guard === 'quiet-hours');
  t.diagnostic(`${feedback.length} feedback records, ${deferred.length} quiet-hours deferrals`);
  assert.ok(deferred.length > 0, 'some SMS came while the window was still open');
  for (const id of expected) assert.ok(outcomes.get(id)?.has('sent'), `sent feedback of ${id}`);
  assert.deepEqual(h.deadLetters(), []);
  const heldOut = COMMANDS - expected.size;
  assert.equal(
    feedback.filter((f) => f.status === 'suppressed' && f.guard === 'holdout').length >= heldOut,
    true,
  );
});
