import { test } from 'node:test';
import assert from 'node:assert/strict';
import { campaignReport } from '../../../src/runtime/index.js';
import type { CampaignBucket, CampaignRow } from '../../../src/runtime/index.js';
import {
  DAY,
  HOUR,
  RENEWAL,
  T0,
  campaignHarness,
  commandId,
  customersByArm,
  due,
  reminder,
  renewed,
  statsRows,
} from './support.js';

function feedback(
  customerId: string,
  touchAt: number,
  status: string,
  at: number,
  extra: Record<string, unknown> = {},
) {
  return {
    commandId: commandId(RENEWAL, customerId, touchAt),
    customerId,
    trigger: RENEWAL,
    channel: 'push',
    status,
    reason: null,
    guard: null,
    until: null,
    at,
    ...extra,
  };
}

test('counts commands per arm and feedback by status and guard, and reports rates and uplift', async () => {
  const { heldOut, touched } = customersByArm(RENEWAL, 0.5, 2);
  const h = await campaignHarness();
  try {
    await h.publish(reminder(RENEWAL, { holdout: 0.5 }));
    const at = T0 + HOUR;
    for (const id of [...touched, ...heldOut]) await h.event(due(id, at));
    await h.feedback(feedback(touched[0], at, 'sent', at + 1));
    await h.feedback(feedback(touched[0], at, 'delivered', at + 2));
    await h.feedback(feedback(touched[0], at, 'clicked', at + 3));
    await h.feedback(
      feedback(touched[1], at, 'deferred', at + 1, { guard: 'quiet-hours', until: at + DAY }),
    );
    // Sent the next day, counted on the command's day.
    await h.feedback(feedback(touched[1], at, 'sent', at + DAY));
    await h.feedback(feedback(touched[1], at, 'failed', at + DAY + 1, { reason: 'TS_X: no' }));
    for (const id of heldOut)
      await h.feedback(feedback(id, at, 'suppressed', at + 1, { guard: 'holdout' }));
    await h.feedback(
      feedback(touched[1], at, 'suppressed', at + 2, { guard: null, reason: 'no phone' }),
    );
    await h.event(renewed(touched[0], at + 2 * DAY));
    await h.event(renewed(touched[1], at + 2 * DAY));
    await h.event(renewed(heldOut[0], at + 3 * DAY));

    const report = campaignReport(
      await statsRows(h.driver, { trigger: RENEWAL, grouping: 'day' }),
      {
        trigger: RENEWAL,
        bucket: 'day',
        timeZone: 'Asia/Shanghai',
      },
    );
    assert.deepEqual(
      report.buckets.map((b) => [b.bucket, b.start, b.end]),
      [['2026-01-05', '2026-01-05', '2026-01-05']],
    );
    const [push] = report.totals;
    assert.equal(push.channel, 'push');
    assert.deepEqual(push.touched, {
      commands: 2,
      sent: 2,
      suppressed: { invalid: 1 },
      suppressedTotal: 1,
      deferred: 1,
      failed: 1,
      delivered: 1,
      clicked: 1,
      converted: 2,
      conversionRate: 1,
    });
    assert.deepEqual(push.heldOut, {
      commands: 2,
      sent: 0,
      suppressed: { holdout: 2 },
      suppressedTotal: 2,
      deferred: 0,
      failed: 0,
      delivered: 0,
      clicked: 0,
      converted: 1,
      conversionRate: 0.5,
    });
    assert.deepEqual(push.uplift, { absolute: 0.5, relative: 1 });
    assert.deepEqual(report.buckets[0].channels, report.totals);

    // The partial aggregates are changelogged: a task that loses its disk restores them.
    await h.driver.commit();
    for (const taskId of h.driver.taskIds()) await h.driver.dropTaskState(taskId);
    const restored = campaignReport(
      await statsRows(h.driver, { trigger: RENEWAL, grouping: 'day' }),
      { trigger: RENEWAL, bucket: 'day', timeZone: 'Asia/Shanghai' },
    );
    assert.deepEqual(restored, report);
  } finally {
    await h.close();
  }
});

/** Commands per bucket of one trigger. */
function commandsPerBucket(rows: CampaignRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) out[row.bucket] = (out[row.bucket] ?? 0) + row.counters.commands;
  return out;
}

// Asia/Shanghai is UTC+8 all year: its midnight is 16:00 UTC the day before.
const EDGES = [
  ['a', Date.UTC(2025, 11, 31, 15, 59, 59, 999)], // Wed 2025-12-31 23:59:59.999
  ['b', Date.UTC(2025, 11, 31, 16)], // Thu 2026-01-01 00:00
  ['c', Date.UTC(2026, 0, 4, 15, 59, 59, 999)], // Sun 2026-01-04 23:59:59.999
  ['d', Date.UTC(2026, 0, 4, 16)], // Mon 2026-01-05 00:00
] as const;

async function edgeRows(
  timeZone: string | undefined,
  bucket: CampaignBucket,
  from?: string,
  to?: string,
) {
  const h = await campaignHarness(timeZone === undefined ? {} : { timeZone });
  try {
    await h.publish(reminder());
    for (const [id, at] of EDGES) await h.event(due(id, at));
    return commandsPerBucket(
      await statsRows(h.driver, { trigger: RENEWAL, grouping: bucket, from, to }),
    );
  } finally {
    await h.close();
  }
}

test('buckets calendar days in Asia/Shanghai by default, at the zone midnight', async () => {
  assert.deepEqual(await edgeRows(undefined, 'day'), {
    '2025-12-31': 1,
    '2026-01-01': 1,
    '2026-01-04': 1,
    '2026-01-05': 1,
  });
});

test('weeks start on Monday and months are calendar months of the zone', async () => {
  assert.deepEqual(await edgeRows(undefined, 'week'), { '2025-12-29': 3, '2026-01-05': 1 });
  assert.deepEqual(await edgeRows(undefined, 'month'), { '2025-12': 1, '2026-01': 3 });
});

test('a range keeps whole days from its first to its last, both included', async () => {
  assert.deepEqual(await edgeRows(undefined, 'week', '2026-01-01', '2026-01-04'), {
    '2025-12-29': 2,
  });
  assert.deepEqual(await edgeRows(undefined, 'day', '2026-01-05'), { '2026-01-05': 1 });
  assert.deepEqual(await edgeRows(undefined, 'day', undefined, '2025-12-31'), { '2025-12-31': 1 });
});

test('the zone is configurable: in UTC the same instants fall on other days', async () => {
  assert.deepEqual(await edgeRows('UTC', 'day'), { '2025-12-31': 2, '2026-01-04': 2 });
  assert.deepEqual(await edgeRows('UTC', 'week'), { '2025-12-29': 4 });
});
