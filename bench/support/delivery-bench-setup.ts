/**
 * What bench/delivery.ts and its worker processes agree on: the worker's configuration, the guard
 * and channel settings (every guard evaluated, none throttling), and the synthetic touch commands.
 */
import type { FakeProviders } from '../../src/embedded/index.js';
import type { GuardConfigInput, TouchCommand } from '../../src/sinks/index.js';

export const BENCH_CHANNELS = ['push', 'sms', 'wechat', 'coupon'] as const;
export type BenchChannel = (typeof BENCH_CHANNELS)[number];

/** One worker process's settings, passed as JSON on its command line. */
export interface DeliveryWorkerConfig {
  brokers: string[];
  registryUrl: string;
  applicationId: string;
  instanceId: string;
  touchesTopic: string;
  feedbackTopic: string;
  deadLetterTopic: string;
  partitions: number;
  guards: GuardConfigInput;
  /** Raw `channels` config, validated in the worker as the app validates it. */
  channels: Record<string, unknown>;
  /** Prefix of the adapters' own Redis keys (the shared WeChat access token). */
  channelsKeyPrefix: string;
  /** Added to Date.now() for the guards only: the simulated local time quiet hours judge. */
  clockOffsetMs: number;
  batchSize: number;
  concurrency: number;
  partitionsConsumedConcurrently: number;
}

/** 2026-03-02 10:00 in Asia/Shanghai: the simulated start of a run, far from every quiet window. */
export const SIMULATED_START = Date.UTC(2026, 2, 2, 2, 0);

/** A template named `reminder` on every channel, pointed at the fake providers. */
export function benchChannelConfig(fakes: FakeProviders): Record<string, unknown> {
  const c = fakes.credentials;
  return {
    push: {
      baseUrl: fakes.endpoints.push,
      appKey: c.pushAppKey,
      masterSecret: c.pushMasterSecret,
      templates: {
        reminder: { title: 'Renewal due', alert: 'Policy {policyNo} renews in {daysLeft} days' },
      },
    },
    wechat: {
      baseUrl: fakes.endpoints.wechat,
      appId: c.wechatAppId,
      appSecret: c.wechatAppSecret,
      templates: {
        reminder: { templateId: 'tmpl-renewal-01', url: 'https://m.example.com/renew/{policyNo}' },
      },
    },
    sms: {
      url: fakes.endpoints.sms,
      signingSecret: c.smsSigningSecret,
      templates: { reminder: { templateCode: 'SMS_RENEWAL_30D' } },
    },
    coupon: {
      url: fakes.endpoints.coupon,
      templates: { reminder: { couponTemplate: 'CPN-RENEW-50' } },
    },
  };
}

/*
 * Every guard has work to do on every command: caps per customer in total and per channel (each a
 * Lua check-and-count), a token bucket per channel, and a quiet window per channel. The limits sit
 * far above what a run reaches (a customer gets about COMMANDS_PER_CUSTOMER touches; buckets refill
 * faster than any worker sends) and the windows lie in the local night while the simulated clock
 * stays at mid-morning, so every command is sent.
 */
export function benchGuardConfig(keyPrefix: string): GuardConfigInput {
  const bucket = { capacity: 200_000, refillPerSecond: 200_000 };
  return {
    keyPrefix,
    defaultTimeZone: 'Asia/Shanghai',
    frequencyCaps: {
      total: [
        { max: 100, per: 'day' },
        { max: 500, per: 'week' },
      ],
      channels: {
        push: [{ max: 50, per: 'day' }],
        sms: [{ max: 50, per: 'week' }],
        wechat: [{ max: 50, per: 'day' }],
        coupon: [{ max: 50, per: 'week' }],
      },
    },
    quietHours: {
      push: { from: '23:00', to: '07:00' },
      sms: { from: '21:00', to: '08:00' },
      wechat: { from: '22:00', to: '07:30' },
      coupon: { from: '22:00', to: '08:00' },
    },
    rateLimits: { push: bucket, sms: bucket, wechat: bucket, coupon: bucket },
  };
}

/** Cap rules that apply to every command above: total per day, total per week, its channel's. */
export const CAP_RULES_PER_COMMAND = 3;

export const COMMANDS_PER_CUSTOMER = 5;

/** Channel of the i-th command: 40% push, 20% SMS, 30% WeChat, 10% coupon. */
export function benchChannelOf(i: number): BenchChannel {
  const slot = i % 10;
  if (slot < 4) return 'push';
  if (slot < 6) return 'sms';
  if (slot < 9) return 'wechat';
  return 'coupon';
}

/** The i-th command of a run, with every contact field set whatever its channel. */
export function benchCommand(run: string, i: number, customers: number, at: number): TouchCommand {
  const customer = i % customers;
  return {
    commandId: `${run}-${i}`,
    at,
    trigger: i % 2 === 0 ? 'renewal-reminder' : 'claim-care',
    ruleVersion: 1,
    customerId: `C${String(customer).padStart(8, '0')}`,
    channel: benchChannelOf(i),
    template: 'reminder',
    params: { policyNo: `P-${customer}`, daysLeft: 30 },
    heldOut: false,
    createdAt: at,
    phone: `1380000${String(customer % 10_000).padStart(4, '0')}`,
    openid: `oBench_${customer}`,
    pushRegistrationId: `reg-${customer}`,
  };
}
