import type { FakeChannel, FakeProviders } from '../../../../src/embedded/index.js';
import { startFakeProviders } from '../../../../src/embedded/index.js';
import type { ProviderFixture } from '../adapter-conformance.js';

/** What the conformance suite's failure kinds mean at each fake provider. */
const REJECTIONS: Record<FakeChannel, { status: number; body: unknown }> = {
  push: {
    status: 400,
    body: { error: { code: 1011, message: 'cannot find user by this audience' } },
  },
  wechat: { status: 200, body: { errcode: 43004, errmsg: 'require subscribe' } },
  sms: { status: 422, body: { error: 'phone number is on the blocklist' } },
  coupon: { status: 409, body: { error: 'coupon template exhausted' } },
};

/** One channel of a fresh startFakeProviders server. */
export class FakeProviderFixture implements ProviderFixture {
  protected constructor(
    readonly fakes: FakeProviders,
    readonly channel: FakeChannel,
  ) {}

  static async start(channel: FakeChannel): Promise<FakeProviderFixture> {
    return new FakeProviderFixture(await startFakeProviders(), channel);
  }

  calls(): number {
    return this.fakes.received(this.channel).length;
  }

  accepted(): unknown[] {
    return [...this.fakes.accepted(this.channel)];
  }

  failNext(n: number, kind: 'retryable' | 'rejected'): void {
    this.fakes.failNext(
      this.channel,
      n,
      kind === 'rejected' ? REJECTIONS[this.channel] : undefined,
    );
  }

  setLatency(ms: number): void {
    this.fakes.setLatency(this.channel, ms);
  }

  close(): Promise<void> {
    return this.fakes.stop();
  }
}
