/**
 * Realistic synthetic insurance events for the development mode: customers with profiles and tags,
 * auto/home/travel policies coming up for renewal, claims moving through their states, app and
 * WeChat behaviour, renewals, and a severe-weather alert for one city. Seeded, so two runs with the
 * same seed produce the same customers.
 */

export interface SyntheticEvent {
  type: string;
  id: string;
  ts: number;
  customerId?: string;
  [field: string]: unknown;
}

const CITIES = [
  ['Shanghai', 'Shanghai'],
  ['Beijing', 'Beijing'],
  ['Guangzhou', 'Guangdong'],
  ['Shenzhen', 'Guangdong'],
  ['Hangzhou', 'Zhejiang'],
  ['Chengdu', 'Sichuan'],
  ['Wuhan', 'Hubei'],
  ['Xiamen', 'Fujian'],
] as const;
const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Zhao', 'Huang', 'Zhou', 'Wu'];
const GIVEN = ['Wei', 'Fang', 'Na', 'Min', 'Jing', 'Lei', 'Qiang', 'Yan', 'Jun', 'Xiu'];
const ACTIONS = [
  'app_open',
  'page_view',
  'form_submit',
  'wechat_follow',
  'coupon_received',
  'coupon_redeemed',
];
const DAY = 86_400_000;

/** mulberry32: small, fast and good enough for synthetic data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Claim {
  customerId: string;
  claimId: string;
  status: 'reported' | 'assessed';
}

export class SyntheticInsuranceEvents {
  private readonly random: () => number;
  private sequence = 0;
  private readonly openClaims: Claim[] = [];
  private readonly policies: {
    customerId: string;
    policyId: string;
    product: string;
    endDate: number;
  }[] = [];

  constructor(
    private readonly customers: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** The customers' profiles, tags and policies, issued at `now`. */
  *onboarding(now: number): Generator<SyntheticEvent> {
    for (let i = 0; i < this.customers; i += 1) {
      const customerId = this.customerId(i);
      const [city, province] = this.pick(CITIES);
      const level = this.random() < 0.1 ? 'vip' : this.random() < 0.3 ? 'gold' : 'standard';
      yield this.event('customer.profile', now, customerId, {
        attrs: {
          name: `${this.pick(SURNAMES)} ${this.pick(GIVEN)}`,
          gender: this.random() < 0.5 ? 'F' : 'M',
          age: 20 + Math.floor(this.random() * 50),
          city,
          province,
          level,
          channel: this.pick(['app', 'wechat', 'sms']),
          phone: `13${Math.floor(100_000_000 + this.random() * 899_999_999)}`,
          openid: `o${customerId.replace(/\W/g, '')}wx`,
          pushRegistrationId: `rid-${customerId}`,
        },
      });
      if (level === 'vip') yield this.event('tag.added', now, customerId, { tag: 'vip' });
      if (this.random() < 0.6) yield this.event('tag.added', now, customerId, { tag: 'car_owner' });
      const products = this.random() < 0.7 ? ['auto'] : ['home'];
      if (this.random() < 0.2) products.push('travel');
      for (const product of products) {
        const policyId = `P${customerId.slice(1)}-${product}`;
        // Policies end within the next 60 days, so renewal reminders have work from the start.
        const endDate = now + Math.floor(this.random() * 60 * DAY);
        this.policies.push({ customerId, policyId, product, endDate });
        yield this.event('policy.issued', now, customerId, {
          policyId,
          product,
          startDate: endDate - 365 * DAY,
          endDate,
          premium: Math.round(800 + this.random() * 5000),
          attrs:
            product === 'auto'
              ? { vehicleAge: Math.floor(this.random() * 12), plateCity: city }
              : { area: 60 + Math.floor(this.random() * 140) },
        });
      }
    }
  }

  /** One event of everyday traffic at `now`: mostly behaviour, some claims moving, some renewals. */
  next(now: number): SyntheticEvent {
    const roll = this.random();
    if (roll < 0.05) return this.claimStep(now);
    if (roll < 0.07 && this.policies.length > 0) {
      const policy = this.policies[Math.floor(this.random() * this.policies.length)];
      policy.endDate += 365 * DAY;
      return this.event('policy.renewed', now, policy.customerId, {
        policyId: policy.policyId,
        product: policy.product,
        startDate: policy.endDate - 365 * DAY,
        endDate: policy.endDate,
        premium: Math.round(800 + this.random() * 5000),
      });
    }
    const customerId = this.customerId(Math.floor(this.random() * this.customers));
    return this.event('behaviour', now, customerId, {
      action: this.pick(ACTIONS),
      props: { source: this.pick(['app', 'wechat']) },
    });
  }

  /** A severe-weather alert for one of the cities. */
  weatherAlert(now: number): SyntheticEvent {
    const [city] = this.pick(CITIES);
    return this.event('broadcast', now, undefined, {
      topic: 'weather_alert',
      props: {
        city,
        level: this.pick(['orange', 'red']),
        kind: this.pick(['typhoon', 'rainstorm', 'hail']),
      },
    });
  }

  private claimStep(now: number): SyntheticEvent {
    const open =
      this.openClaims.length > 0 && this.random() < 0.6 ? this.openClaims.shift() : undefined;
    if (open === undefined) {
      const customerId = this.customerId(Math.floor(this.random() * this.customers));
      const claim: Claim = {
        customerId,
        claimId: `C${now.toString(36)}${this.sequence}`,
        status: 'reported',
      };
      this.openClaims.push(claim);
      return this.event('claim.reported', now, customerId, {
        claimId: claim.claimId,
        amount: Math.round(500 + this.random() * 20_000),
      });
    }
    if (open.status === 'reported') {
      open.status = 'assessed';
      this.openClaims.push(open);
      return this.event('claim.assessed', now, open.customerId, { claimId: open.claimId });
    }
    const settled = this.random() < 0.85;
    return this.event(settled ? 'claim.settled' : 'claim.rejected', now, open.customerId, {
      claimId: open.claimId,
      ...(settled ? { amount: Math.round(500 + this.random() * 20_000) } : {}),
    });
  }

  private customerId(index: number): string {
    return `C${String(index).padStart(8, '0')}`;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private event(
    type: string,
    ts: number,
    customerId: string | undefined,
    fields: Record<string, unknown>,
  ): SyntheticEvent {
    this.sequence += 1;
    return {
      type,
      id: `gen-${this.sequence}`,
      ts,
      ...(customerId === undefined ? {} : { customerId }),
      ...fields,
    };
  }
}
