/**
 * The tests every channel adapter passes, registered once per adapter (as abstract-level's
 * compliance suite is): a file calls `adapterConformance({...})` with a way to start its provider
 * and to build its adapter, and gets the same sending, retry, timeout, breaker and check tests.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelAdapter, SendResult, TouchCommand } from '../../../src/sinks/index.js';
import { ManualClock, recordingSleep } from './support/runtime.js';

/** A provider the suite can inspect and break: a fake HTTP provider, or a topic on the embedded broker. */
export interface ProviderFixture {
  /** Requests (or writes) that reached the provider, failed ones included. */
  calls(): number;
  /** What the provider took on, once per command. */
  accepted(): unknown[] | Promise<unknown[]>;
  /** The next n calls fail: `retryable` as a busy provider would, `rejected` as one refusing the message. */
  failNext(n: number, kind: 'retryable' | 'rejected'): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

export interface AdapterOverrides {
  http?: {
    timeoutMs?: number;
    retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
    breaker?: { failureThreshold?: number; cooldownMs?: number };
  };
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface AdapterSuite<F extends ProviderFixture> {
  name: string;
  channel: string;
  start(): Promise<F>;
  makeAdapter(fakes: F, overrides: AdapterOverrides): ChannelAdapter | Promise<ChannelAdapter>;
  makeCommand(overrides?: Partial<TouchCommand>): TouchCommand;
  /** Asserts that one accepted message carries the command in the provider's shape. */
  assertDelivered(message: unknown, command: TouchCommand): void;
  /** The contact the channel cannot send without; omitted for channels that need none. */
  contactField?: 'phone' | 'openid' | 'pushRegistrationId';
}

function assertFailed(
  result: SendResult,
  expected: { code: string; retryable: boolean; attempts: number },
): asserts result is Extract<SendResult, { status: 'failed' }> {
  assert.equal(result.status, 'failed', JSON.stringify(result));
  assert.ok(result.status === 'failed');
  assert.equal(result.code, expected.code, result.reason);
  assert.equal(result.retryable, expected.retryable);
  assert.equal(result.attempts, expected.attempts);
}

export function adapterConformance<F extends ProviderFixture>(suite: AdapterSuite<F>): void {
  describe(`${suite.name} adapter conformance`, () => {
    let fakes: F;
    // Starts at the real time: some providers (the SMS gateway) check the timestamps adapters send.
    let clock: ManualClock;
    let t0: number;
    const adapters: ChannelAdapter[] = [];

    beforeEach(async () => {
      fakes = await suite.start();
      t0 = Date.now();
      clock = new ManualClock(t0);
    });

    afterEach(async () => {
      for (const adapter of adapters.splice(0)) await adapter.close();
      await fakes.close();
    });

    async function adapter(overrides: AdapterOverrides = {}): Promise<ChannelAdapter> {
      const made = await suite.makeAdapter(fakes, { random: () => 0.5, ...overrides });
      adapters.push(made);
      return made;
    }

    /** An adapter whose breaker opens on the second failure and whose sends try once. */
    async function breakerAdapter(): Promise<ChannelAdapter> {
      return adapter({
        now: clock.now,
        sleep: recordingSleep().sleep,
        http: {
          timeoutMs: 2_000,
          retry: { maxAttempts: 1 },
          breaker: { failureThreshold: 2, cooldownMs: 10_000 },
        },
      });
    }

    async function openCircuit(channel: ChannelAdapter): Promise<void> {
      fakes.failNext(100, 'retryable');
      await channel.send(suite.makeCommand());
      const opening = await channel.send(suite.makeCommand());
      assertFailed(opening, { code: 'TS_SINK_RETRIES_EXHAUSTED', retryable: true, attempts: 1 });
      assert.equal(
        opening.retryAt,
        clock.ms + 10_000,
        'the failure that opens the circuit says when',
      );
    }

    it('sends a command once and the provider receives its fields', async () => {
      const { waits, sleep } = recordingSleep();
      const channel = await adapter({ sleep });
      const command = suite.makeCommand();
      const result = await channel.send(command);
      assert.equal(result.status, 'sent', JSON.stringify(result));
      assert.equal(result.attempts, 1);
      assert.equal(typeof (result.status === 'sent' && result.providerMessageId), 'string');
      const accepted = await fakes.accepted();
      assert.equal(accepted.length, 1);
      suite.assertDelivered(accepted[0], command);
      assert.equal(fakes.calls(), 1);
      assert.deepEqual(waits, []);
    });

    it('reports sent with attempts 2 when the first attempt fails retryably', async () => {
      const { waits, sleep } = recordingSleep();
      const channel = await adapter({ sleep, http: { retry: { baseDelayMs: 200 } } });
      fakes.failNext(1, 'retryable');
      const command = suite.makeCommand();
      const result = await channel.send(command);
      assert.equal(result.status, 'sent', JSON.stringify(result));
      assert.equal(result.attempts, 2);
      assert.deepEqual(waits, [100], 'one full-jitter backoff: random 0.5 of the 200 ms step');
      const accepted = await fakes.accepted();
      assert.equal(accepted.length, 1);
      suite.assertDelivered(accepted[0], command);
    });

    it('gives up retryably after maxAttempts failures, backing off exponentially', async () => {
      const { waits, sleep } = recordingSleep();
      const channel = await adapter({
        sleep,
        http: { retry: { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5_000 } },
      });
      fakes.failNext(10, 'retryable');
      const result = await channel.send(suite.makeCommand());
      assertFailed(result, { code: 'TS_SINK_RETRIES_EXHAUSTED', retryable: true, attempts: 3 });
      assert.deepEqual(waits, [100, 200]);
      assert.equal(fakes.calls(), 3);
      assert.deepEqual(await fakes.accepted(), []);
    });

    it('reports a non-retryable answer as failed without retrying', async () => {
      const { waits, sleep } = recordingSleep();
      const channel = await adapter({ sleep });
      fakes.failNext(1, 'rejected');
      const result = await channel.send(suite.makeCommand());
      assertFailed(result, { code: 'TS_SINK_PROVIDER_REJECTED', retryable: false, attempts: 1 });
      assert.deepEqual(waits, []);
      assert.equal(fakes.calls(), 1);
      assert.deepEqual(await fakes.accepted(), []);
    });

    it('retries an attempt that times out, and the provider keeps the message once', async () => {
      // The provider recovers while the adapter backs off.
      const { waits, sleep } = recordingSleep(() => fakes.setLatency(0));
      const channel = await adapter({ sleep, http: { timeoutMs: 150 } });
      fakes.setLatency(1_000);
      const command = suite.makeCommand();
      const started = performance.now();
      const result = await channel.send(command);
      assert.equal(result.status, 'sent', JSON.stringify(result));
      assert.equal(result.attempts, 2);
      assert.equal(waits.length, 1);
      assert.ok(performance.now() - started < 900, 'the first attempt was cut off by the timeout');
      const accepted = await fakes.accepted();
      assert.equal(accepted.length, 1);
      suite.assertDelivered(accepted[0], command);
    });

    it('opens the circuit after the failure threshold and then does not call the provider', async () => {
      const channel = await breakerAdapter();
      await openCircuit(channel);
      const calls = fakes.calls();
      clock.advance(4_000);
      const result = await channel.send(suite.makeCommand());
      assertFailed(result, { code: 'TS_SINK_CIRCUIT_OPEN', retryable: true, attempts: 0 });
      assert.equal(result.retryAt, t0 + 10_000);
      assert.equal(fakes.calls(), calls, 'an open circuit does not call the provider');
    });

    it('half-opens after the cooldown and closes when the trial call succeeds', async () => {
      const channel = await breakerAdapter();
      await openCircuit(channel);
      fakes.failNext(0, 'retryable');
      clock.advance(10_000);
      const command = suite.makeCommand();
      const trial = await channel.send(command);
      assert.equal(trial.status, 'sent', JSON.stringify(trial));
      const after = await channel.send(suite.makeCommand());
      assert.equal(after.status, 'sent', JSON.stringify(after));
      assert.equal((await fakes.accepted()).length, 2);
    });

    it('opens again when the half-open trial call fails', async () => {
      const channel = await breakerAdapter();
      await openCircuit(channel);
      clock.advance(10_000);
      const trial = await channel.send(suite.makeCommand());
      assertFailed(trial, { code: 'TS_SINK_RETRIES_EXHAUSTED', retryable: true, attempts: 1 });
      assert.equal(trial.retryAt, t0 + 20_000);
      const calls = fakes.calls();
      const next = await channel.send(suite.makeCommand());
      assertFailed(next, { code: 'TS_SINK_CIRCUIT_OPEN', retryable: true, attempts: 0 });
      assert.equal(next.retryAt, t0 + 20_000);
      assert.equal(fakes.calls(), calls);
    });

    it('lets one trial call through while half-open and turns the others away', async () => {
      const channel = await breakerAdapter();
      await openCircuit(channel);
      fakes.failNext(0, 'retryable');
      fakes.setLatency(100);
      clock.advance(10_000);
      const [trial, other] = await Promise.all([
        channel.send(suite.makeCommand()),
        channel.send(suite.makeCommand()),
      ]);
      assert.equal(trial.status, 'sent', JSON.stringify(trial));
      assertFailed(other, { code: 'TS_SINK_CIRCUIT_OPEN', retryable: true, attempts: 0 });
      assert.equal(other.retryAt, clock.ms + 2_000, 'back once the trial has surely finished');
    });

    it('check passes a command that has what the channel needs', async () => {
      const channel = await adapter();
      assert.equal(channel.check(suite.makeCommand()), undefined);
    });

    it('check reports an unknown template, and send refuses it without calling the provider', async () => {
      const channel = await adapter();
      const command = suite.makeCommand({ template: 'no-such-template' });
      assert.equal(
        channel.check(command),
        `unknown template no-such-template for channel ${suite.channel}`,
      );
      const result = await channel.send(command);
      assertFailed(result, { code: 'TS_SINK_COMMAND_UNSENDABLE', retryable: false, attempts: 0 });
      assert.equal(fakes.calls(), 0);
    });

    it('refuses a held-out command without calling the provider', async () => {
      const channel = await adapter();
      const result = await channel.send(suite.makeCommand({ heldOut: true }));
      assertFailed(result, { code: 'TS_SINK_COMMAND_UNSENDABLE', retryable: false, attempts: 0 });
      assert.match(result.reason, /held out/);
      assert.equal(fakes.calls(), 0);
    });

    it('check reports a command meant for another channel', async () => {
      const channel = await adapter();
      const problem = channel.check(suite.makeCommand({ channel: 'carrier-pigeon' }));
      assert.match(problem ?? '', /carrier-pigeon/);
    });

    const contact = suite.contactField;
    if (contact !== undefined) {
      it(`check reports a missing ${contact}, and send refuses it without calling the provider`, async () => {
        const channel = await adapter();
        for (const missing of [null, '']) {
          const command = suite.makeCommand({ [contact]: missing });
          assert.match(
            channel.check(command) ?? '',
            new RegExp(`^no .* for channel ${suite.channel}$`),
          );
          const result = await channel.send(command);
          assertFailed(result, {
            code: 'TS_SINK_COMMAND_UNSENDABLE',
            retryable: false,
            attempts: 0,
          });
        }
        assert.equal(fakes.calls(), 0);
      });
    }
  });
}
