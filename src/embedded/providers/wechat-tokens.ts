import { randomBytes } from 'node:crypto';

export type TokenState = 'valid' | 'invalid' | 'expired' | 'missing';

/** Access tokens the fake WeChat issued, with their expiry; tests revoke or expire them on demand. */
export class WechatTokens {
  readonly #tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  readonly #ttlMs: number;
  readonly #now: () => number;
  fetches = 0;

  constructor(ttlS: number, now: () => number) {
    this.#ttlMs = ttlS * 1000;
    this.#now = now;
  }

  issue(): { access_token: string; expires_in: number } {
    this.fetches += 1;
    const token = `fake-token-${this.fetches}-${randomBytes(6).toString('hex')}`;
    this.#tokens.set(token, { expiresAt: this.#now() + this.#ttlMs, revoked: false });
    return { access_token: token, expires_in: this.#ttlMs / 1000 };
  }

  check(token: string | null): TokenState {
    if (token === null || token === '') return 'missing';
    const entry = this.#tokens.get(token);
    if (entry === undefined || entry.revoked) return 'invalid';
    return this.#now() >= entry.expiresAt ? 'expired' : 'valid';
  }

  /** Every token issued so far is refused as invalid (errcode 40001), as after a secret reset. */
  revokeAll(): void {
    for (const entry of this.#tokens.values()) entry.revoked = true;
  }

  /** Every token issued so far is refused as expired (errcode 42001). */
  expireAll(): void {
    const now = this.#now();
    for (const entry of this.#tokens.values()) entry.expiresAt = Math.min(entry.expiresAt, now);
  }
}
