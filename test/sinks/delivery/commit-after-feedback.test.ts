import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureTopics } from '../../../src/io/index.js';
import { sleep, waitFor } from '../../runtime/kafka/support/wait.js';
import { DeliveryHarness, command } from './support/delivery-harness.js';
import { RecordingAdapter } from './support/recording-adapter.js';

test('does not commit a batch while its feedback cannot be written, and sends nothing twice meanwhile', async (t) => {
  const h = await DeliveryHarness.start({ partitions: 1, autoCreateTopics: false });
  t.after(() => h.close());
  const push = new RecordingAdapter('push');
  await h.startDelivery({ adapters: [push] });
  await h.produce([command()]);
  await waitFor(async () => (await h.committed())[0] === 1, {
    timeoutMs: 20_000,
    what: 'the first command committed',
  });

  // The feedback topic disappears: the next batch is sent, but its outcome cannot be recorded.
  await h.admin.deleteTopics({ topics: [h.topics.feedback] });
  const batch = [command(), command(), command()];
  await h.produce(batch);
  await waitFor(() => push.sent.length === 4, { timeoutMs: 20_000, what: 'the batch to be sent' });
  await waitFor(() => h.logs.some((l) => l.message === 'delivery batch waits and retries'), {
    timeoutMs: 20_000,
    what: 'the batch to wait for the feedback topic',
  });
  await sleep(1_000);
  assert.deepEqual(await h.committed(), [1], 'the batch is not committed without its feedback');
  assert.equal(h.feedback().length, 0);

  await ensureTopics(h.admin, [{ topic: h.topics.feedback, partitions: 1 }]);
  await waitFor(async () => (await h.committed())[0] === 4, {
    timeoutMs: 30_000,
    what: 'the batch committed once its feedback is written',
  });
  assert.deepEqual(
    h.feedback().map((f) => [f.commandId, f.status]),
    batch.map((c) => [c.commandId, 'sent']),
  );
  assert.deepEqual(
    push.sentIds(),
    [push.sent[0].commandId, ...batch.map((c) => c.commandId)],
    'each command was sent once: the retry wrote the feedback, it did not send again',
  );
});
