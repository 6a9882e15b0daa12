import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DAY,
  HOUR,
  RENEWAL,
  T0,
  WINDOW,
  campaignHarness,
  commandId,
  customersByArm,
  due,
  reminder,
  renewed,
} from './support.js';

test('attributes a conversion exactly one window after the touch, but not one millisecond later', async () => {
  const h = await campaignHarness();
  try {
    await h.publish(reminder());
    await h.event(due('c-edge', T0));
    await h.event(due('c-late', T0));
    assert.equal(h.touches().length, 2);
    await h.event(renewed('c-edge', T0 + WINDOW));
    await h.event(renewed('c-late', T0 + WINDOW + 1));
    assert.deepEqual(
      h.conversions().map((c) => [c.customerId, c.commandId, c.at, c.heldOut, c.channel]),
      [['c-edge', commandId(RENEWAL, 'c-edge', T0), T0 + WINDOW, false, 'push']],
    );
  } finally {
    await h.close();
  }
});

test('an event at the instant of the touch is not after it and converts nothing', async () => {
  const h = await campaignHarness({
    conversions: [
      { trigger: RENEWAL, event: 'behaviour', action: 'renewal-due', windowMs: WINDOW },
    ],
  });
  try {
    await h.publish(reminder());
    // The event that fires the touch is also the configured conversion event.
    await h.event(due('c1', T0));
    assert.equal(h.touches().length, 1);
    assert.deepEqual(h.conversions(), []);
    // A later one fires a second touch and converts the first.
    await h.event(due('c1', T0 + HOUR));
    assert.deepEqual(
      h.conversions().map((c) => c.commandId),
      [commandId(RENEWAL, 'c1', T0)],
    );
  } finally {
    await h.close();
  }
});

test('credits a touch once: a second conversion in its window is not attributed again', async () => {
  const h = await campaignHarness();
  try {
    await h.publish(reminder());
    await h.event(due('c1', T0));
    const first = renewed('c1', T0 + DAY);
    await h.event(first);
    await h.event(renewed('c1', T0 + 2 * DAY));
    assert.deepEqual(
      h.conversions().map((c) => [c.commandId, c.at, c.reason]),
      [[commandId(RENEWAL, 'c1', T0), T0 + DAY, `policy.renewed event ${first.id}`]],
    );
  } finally {
    await h.close();
  }
});

test('the latest touch of the trigger before the event wins, and an earlier one is never credited instead', async () => {
  const h = await campaignHarness();
  try {
    await h.publish(reminder());
    await h.event(due('c1', T0));
    await h.event(due('c1', T0 + DAY));
    await h.event(renewed('c1', T0 + 2 * DAY));
    // The latest touch converted; the earlier one, still in its window, stays unconverted.
    await h.event(renewed('c1', T0 + 3 * DAY));
    await h.event(due('c1', T0 + 4 * DAY));
    await h.event(renewed('c1', T0 + 5 * DAY));
    assert.deepEqual(
      h.conversions().map((c) => [c.commandId, c.at]),
      [
        [commandId(RENEWAL, 'c1', T0 + DAY), T0 + 2 * DAY],
        [commandId(RENEWAL, 'c1', T0 + 4 * DAY), T0 + 5 * DAY],
      ],
    );
  } finally {
    await h.close();
  }
});

test('held-out touches are attributed the same way and the conversion carries the arm', async () => {
  const { heldOut, touched } = customersByArm(RENEWAL, 0.5, 2);
  const h = await campaignHarness();
  try {
    await h.publish(reminder(RENEWAL, { holdout: 0.5 }));
    for (const id of [...heldOut, ...touched]) await h.event(due(id, T0));
    assert.deepEqual(
      h
        .touches()
        .filter((t) => t.heldOut === true)
        .map((t) => t.customerId)
        .sort(),
      [...heldOut].sort(),
    );
    await h.event(renewed(heldOut[0], T0 + DAY));
    await h.event(renewed(touched[0], T0 + DAY));
    await h.event(renewed(heldOut[1], T0 + WINDOW + DAY));
    const conversions = h.conversions();
    assert.deepEqual(
      conversions.map((c) => [c.customerId, c.heldOut]).sort(),
      [
        [heldOut[0], true],
        [touched[0], false],
      ].sort(),
    );
  } finally {
    await h.close();
  }
});

test('only the configured event and action convert, and only touches of the configured trigger', async () => {
  const h = await campaignHarness({
    conversions: [
      { trigger: RENEWAL, event: 'behaviour', action: 'quote-accepted', windowMs: WINDOW },
    ],
  });
  try {
    await h.publish(reminder());
    await h.publish(reminder('claim-care', {}, 'claim-followup'));
    await h.event(due('c1', T0));
    await h.event(due('c2', T0, 'claim-followup'));
    await h.event(renewed('c1', T0 + HOUR));
    await h.event(due('c1', T0 + 2 * HOUR, 'quote-viewed'));
    await h.event(due('c2', T0 + 2 * HOUR, 'quote-accepted'));
    assert.deepEqual(h.conversions(), []);
    const accepted = due('c1', T0 + 3 * HOUR, 'quote-accepted');
    await h.event(accepted);
    assert.deepEqual(
      h.conversions().map((c) => [c.customerId, c.trigger, c.reason]),
      [['c1', RENEWAL, `behaviour quote-accepted event ${accepted.id}`]],
    );
  } finally {
    await h.close();
  }
});

test('open windows are restored with the task: a conversion after a state loss is still attributed once', async () => {
  const h = await campaignHarness({}, 1);
  try {
    await h.publish(reminder());
    await h.event(due('c1', T0));
    await h.event(renewed('c1', T0 + DAY));
    await h.driver.commit();
    for (const taskId of h.driver.taskIds()) await h.driver.dropTaskState(taskId);
    await h.event(renewed('c1', T0 + 2 * DAY));
    await h.event(due('c1', T0 + 3 * DAY));
    await h.driver.commit();
    for (const taskId of h.driver.taskIds()) await h.driver.dropTaskState(taskId);
    await h.event(renewed('c1', T0 + 4 * DAY));
    assert.deepEqual(
      h.conversions().map((c) => c.commandId),
      [commandId(RENEWAL, 'c1', T0), commandId(RENEWAL, 'c1', T0 + 3 * DAY)],
    );
  } finally {
    await h.close();
  }
});
