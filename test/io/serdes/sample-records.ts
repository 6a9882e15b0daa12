/**
 * One small, valid sample of every record in schemas/, keyed by the record's full name. Each
 * factory takes overrides so a test can vary the field it cares about.
 */
const T0 = Date.UTC(2026, 5, 1, 9, 30);

type Factory = (overrides?: Record<string, unknown>) => Record<string, unknown>;

export const sampleRecords: Record<string, Factory> = {
  'com.touchstream.ClaimEvent': (overrides = {}) => ({
    type: 'claim.settled',
    id: 'ev-claim-1',
    ts: T0,
    customerId: 'C-001',
    claimId: 'CL-77',
    amount: 5230.5,
    ...overrides,
  }),
  'com.touchstream.PolicyEvent': (overrides = {}) => ({
    type: 'policy.issued',
    id: 'ev-policy-1',
    ts: T0,
    customerId: 'C-001',
    policyId: 'P-9',
    product: 'auto',
    startDate: T0,
    endDate: T0 + 365 * 86_400_000,
    premium: 3200,
    attrs: { vehicleAge: 4, plateCity: 'Shanghai', newEnergy: false, color: null },
    ...overrides,
  }),
  'com.touchstream.BehaviourEvent': (overrides = {}) => ({
    type: 'behaviour',
    id: 'ev-behaviour-1',
    ts: T0,
    customerId: 'C-001',
    action: 'page_view',
    props: { page: 'renewal', seconds: 12.5 },
    ...overrides,
  }),
  'com.touchstream.CustomerProfileEvent': (overrides = {}) => ({
    type: 'customer.profile',
    id: 'ev-profile-1',
    ts: T0,
    customerId: 'C-001',
    attrs: { city: 'Hangzhou', age: 41, vip: true, email: null },
    ...overrides,
  }),
  'com.touchstream.TagEvent': (overrides = {}) => ({
    type: 'tag.added',
    id: 'ev-tag-1',
    ts: T0,
    customerId: 'C-001',
    tag: 'gold',
    ...overrides,
  }),
  'com.touchstream.BroadcastEvent': (overrides = {}) => ({
    type: 'broadcast',
    id: 'ev-broadcast-1',
    ts: T0,
    topic: 'weather_alert',
    props: { city: 'Ningbo', level: 'red' },
    ...overrides,
  }),
  'com.touchstream.RuleEvent': (overrides = {}) => ({
    type: 'rule.upsert',
    id: 'ev-rule-1',
    ts: T0,
    ruleId: 'renewal-reminder',
    rule: JSON.stringify({ id: 'renewal-reminder', kind: 'segment', when: { tag: 'gold' } }),
    ...overrides,
  }),
  'com.touchstream.TouchCommand': (overrides = {}) => ({
    commandId: 'renewal-reminder:C-001:1780306200000',
    at: T0,
    trigger: 'renewal-reminder',
    ruleVersion: 3,
    customerId: 'C-001',
    channel: 'sms',
    template: 'renewal_30d',
    params: { name: 'Li', days: 30 },
    heldOut: false,
    createdAt: T0 + 15,
    phone: '+8613800000000',
    openid: null,
    pushRegistrationId: null,
    ...overrides,
  }),
  'com.touchstream.SegmentTransition': (overrides = {}) => ({
    at: T0,
    segment: 'renewal-due',
    customerId: 'C-001',
    change: 'enter',
    ...overrides,
  }),
  'com.touchstream.DeliveryFeedback': (overrides = {}) => ({
    commandId: 'renewal-reminder:C-001:1780306200000',
    customerId: 'C-001',
    trigger: 'renewal-reminder',
    channel: 'sms',
    status: 'deferred',
    reason: 'quiet hours',
    guard: 'quiet-hours',
    until: T0 + 3_600_000,
    at: T0,
    heldOut: false,
    ...overrides,
  }),
  'com.touchstream.DeadLetter': (overrides = {}) => ({
    sourceTopic: 'claims',
    partition: 3,
    offset: 1_234_567,
    key: Buffer.from('C-001'),
    value: Buffer.from([0, 0, 0, 0, 9, 1]),
    errorCode: 'TS_IO_DECODE_FAILED',
    message: 'Avro record with schema id 9 does not decode',
    at: T0,
    ...overrides,
  }),
};

/** Copies avsc's generated record instances into plain objects so they compare with the samples. */
export function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(plain);
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) copy[key] = plain(inner);
  return copy;
}
