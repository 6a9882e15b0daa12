import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { TokenFetchFailedError } from './errors.js';
import { isRetryableStatus, isSuccess } from './http-sender.js';
import type { HttpSender } from './http-sender.js';

export interface WechatTokenSourceOptions {
  redis: Redis;
  /** Keys: <keyPrefix>wechat:token:<appId> and <keyPrefix>wechat:token-lock:<appId>. */
  keyPrefix: string;
  channel: string;
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  /** The cached token is dropped this long before WeChat says it expires. */
  marginMs: number;
  now?: () => number;
  /** The adapter's client: token fetches share its connections. */
  http: HttpSender;
  /** How often an instance waiting for another's refresh looks for the new token. */
  pollMs?: number;
}

/** errcode -1: "system busy"; everything else the token endpoint answers is about the app's credentials. */
const RETRYABLE_TOKEN_ERRCODES = new Set([-1]);

const RELEASE_LOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface CachedToken {
  token: string;
  ttlMs: number;
}

/**
 * The WeChat access token, shared through Redis by every delivery instance: WeChat limits token
 * fetches per day and a new token soon invalidates the old one, so instances must not each fetch
 * their own. A refresh is guarded by a short Redis lock (SET NX PX); instances that lose the race
 * wait for the winner's token instead of fetching another.
 */
export class WechatTokenSource {
  readonly #options: WechatTokenSourceOptions;
  readonly #tokenKey: string;
  readonly #lockKey: string;
  readonly #lockMs: number;
  readonly #now: () => number;
  #local: { token: string; expiresAt: number } | null = null;
  #refreshing: Promise<string> | null = null;

  constructor(options: WechatTokenSourceOptions) {
    this.#options = options;
    this.#tokenKey = `${options.keyPrefix}wechat:token:${options.appId}`;
    this.#lockKey = `${options.keyPrefix}wechat:token-lock:${options.appId}`;
    // Long enough for one token fetch to time out; a crashed holder blocks others no longer than this.
    this.#lockMs = options.timeoutMs + 1_000;
    this.#now = options.now ?? Date.now;
  }

  /** A token believed valid: this instance's copy, else Redis's, else a fresh one. */
  async get(): Promise<string> {
    if (this.#local !== null && this.#now() < this.#local.expiresAt) return this.#local.token;
    const cached = await this.#read();
    if (cached !== null) return this.#remember(cached);
    return this.#refresh(null);
  }

  /** WeChat refused `rejected` (invalid or expired): returns a newer token, fetching one only if no instance already did. */
  async replace(rejected: string): Promise<string> {
    if (this.#local?.token === rejected) this.#local = null;
    const cached = await this.#read();
    if (cached !== null && cached.token !== rejected) return this.#remember(cached);
    return this.#refresh(rejected);
  }

  #refresh(rejected: string | null): Promise<string> {
    // One refresh per process at a time; concurrent sends share it.
    this.#refreshing ??= this.#refreshShared(rejected).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refreshShared(rejected: string | null): Promise<string> {
    const owner = randomUUID();
    const deadline = performance.now() + 2 * this.#lockMs;
    for (;;) {
      const locked = await this.#redis('lock the token refresh', (r) =>
        r.set(this.#lockKey, owner, 'PX', this.#lockMs, 'NX'),
      );
      if (locked === 'OK') {
        try {
          const cached = await this.#read();
          if (cached !== null && cached.token !== rejected) return this.#remember(cached);
          const fresh = await this.#fetch();
          await this.#redis('store the token', (r) =>
            r.set(this.#tokenKey, fresh.token, 'PX', fresh.ttlMs),
          );
          return this.#remember(fresh);
        } finally {
          await this.#options.redis
            .eval(RELEASE_LOCK, 1, this.#lockKey, owner)
            .catch(() => undefined);
        }
      }
      // Real time, not the injected clock: this waits for another process, which tests do not drive.
      await delay(this.#options.pollMs ?? 25);
      const cached = await this.#read();
      if (cached !== null && cached.token !== rejected) return this.#remember(cached);
      if (performance.now() > deadline)
        throw this.#failure('another instance held the refresh lock without storing a token', true);
    }
  }

  async #read(): Promise<CachedToken | null> {
    const replies = await this.#redis('read the token', (r) =>
      r.multi().get(this.#tokenKey).pttl(this.#tokenKey).exec(),
    );
    const token = replies?.[0]?.[1];
    const ttlMs = replies?.[1]?.[1];
    if (typeof token !== 'string' || typeof ttlMs !== 'number' || ttlMs <= 0) return null;
    return { token, ttlMs };
  }

  #remember(cached: CachedToken): string {
    this.#local = { token: cached.token, expiresAt: this.#now() + cached.ttlMs };
    return cached.token;
  }

  async #fetch(): Promise<CachedToken> {
    const { baseUrl, appId, appSecret, timeoutMs, marginMs } = this.#options;
    const query = new URLSearchParams({
      grant_type: 'client_credential',
      appid: appId,
      secret: appSecret,
    });
    const outcome = await this.#options.http.send({
      method: 'GET',
      url: `${baseUrl}/cgi-bin/token?${query}`,
      timeoutMs,
    });
    if (outcome.kind === 'timeout')
      throw this.#failure(`no answer within ${timeoutMs} ms`, true, outcome.error);
    if (outcome.kind === 'network') throw this.#failure('network error', true, outcome.error);
    const body = outcome.body as {
      access_token?: unknown;
      expires_in?: unknown;
      errcode?: unknown;
      errmsg?: unknown;
    } | null;
    if (
      isSuccess(outcome.status) &&
      typeof body?.access_token === 'string' &&
      typeof body.expires_in === 'number'
    ) {
      const lifetimeMs = body.expires_in * 1000;
      // A margin as long as the lifetime would never cache; keep such a token for half its life.
      const ttlMs = lifetimeMs > marginMs ? lifetimeMs - marginMs : Math.ceil(lifetimeMs / 2);
      return { token: body.access_token, ttlMs: Math.max(1, ttlMs) };
    }
    if (typeof body?.errcode === 'number')
      throw this.#failure(
        `errcode ${body.errcode} ${String(body.errmsg ?? '')}`,
        RETRYABLE_TOKEN_ERRCODES.has(body.errcode) || isRetryableStatus(outcome.status),
      );
    throw this.#failure(
      `HTTP ${outcome.status}`,
      isRetryableStatus(outcome.status) || isSuccess(outcome.status),
    );
  }

  async #redis<T>(operation: string, call: (redis: Redis) => Promise<T>): Promise<T> {
    try {
      return await call(this.#options.redis);
    } catch (error) {
      throw this.#failure(`Redis failed to ${operation} (${String(error)})`, true, error);
    }
  }

  #failure(reason: string, retryable: boolean, cause?: unknown): TokenFetchFailedError {
    return new TokenFetchFailedError(
      this.#options.channel,
      this.#options.appId,
      reason,
      retryable,
      cause,
    );
  }
}
