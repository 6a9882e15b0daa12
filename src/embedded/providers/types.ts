import type { IncomingHttpHeaders } from 'node:http';

export type FakeChannel = 'push' | 'wechat' | 'sms' | 'coupon';

export const FAKE_CHANNELS: readonly FakeChannel[] = ['push', 'wechat', 'sms', 'coupon'];

/** One request as a channel's provider saw it, answered or not, duplicates included. */
export interface ReceivedRequest {
  channel: FakeChannel;
  /** Arrival time (the fake's clock, epoch ms). */
  at: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when it was not JSON. */
  body: unknown;
  rawBody: string;
  idempotencyKey: string | null;
  /** The HTTP status it was answered with. */
  status: number;
  /** The body it was answered with. */
  answer: unknown;
}

/** A message the provider took on, once per idempotency key (the first request that carried it). */
export interface AcceptedMessage {
  channel: FakeChannel;
  at: number;
  idempotencyKey: string | null;
  /** The provider's id for it (msg_id, msgid, messageId, couponId). */
  messageId: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface ProviderRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: unknown;
}

export interface ProviderAnswer {
  status: number;
  body: unknown;
}

export interface FakeCredentials {
  pushAppKey: string;
  pushMasterSecret: string;
  wechatAppId: string;
  wechatAppSecret: string;
  smsSigningSecret: string;
}

/** What a provider's message route knows about its own API; the server does recording, faults and dedup. */
export interface ChannelRoute {
  channel: FakeChannel;
  path: string;
  /** Auth and body checks; an answer here refuses the request (it is not accepted). */
  refuse(request: ProviderRequest): ProviderAnswer | null;
  idempotencyKey(request: ProviderRequest): string | null;
  /** The answer to an accepted message; a duplicate gets the same answer as the first. */
  accept(messageId: string, request: ProviderRequest): ProviderAnswer;
  /** The provider's id format for its n-th message. */
  messageId(n: number): string;
  /** The answer a failNext without a body gives. */
  defaultFailure: ProviderAnswer;
}
