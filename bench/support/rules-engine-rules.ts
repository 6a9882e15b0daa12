/**
 * The 100 rules of the rules-engine bench: 60 segments and 40 triggers, covering every condition
 * form of the contract (attribute comparisons, tags, policy windows and `where`, claim windows,
 * event windows with counts, segment references up to four levels deep) and every kind of ON
 * (events, enter, exit, broadcast) with `if`, `delay`, `cap` and `holdout`.
 */
import type { Condition, Rule, SegmentRule, TriggerRule } from '../../src/rules/index.js';

const seg = (id: string, when: Condition): SegmentRule => ({ id, kind: 'segment', when });

const activePolicy = (product: string | string[]): Condition => ({
  policy: { product, status: 'active' },
});

export const SEGMENTS: readonly SegmentRule[] = [
  // attribute comparisons
  seg('s-attr-young-urban', {
    all: [
      { attr: 'age', gte: 18 },
      { attr: 'age', lt: 30 },
      { attr: 'city', in: ['Hangzhou', 'Shanghai', 'Shenzhen'] },
    ],
  }),
  seg('s-attr-mid-income', {
    all: [
      { attr: 'income', gte: 10_000 },
      { attr: 'income', lt: 25_000 },
    ],
  }),
  seg('s-attr-high-income', { attr: 'income', gte: 30_000 }),
  seg('s-attr-senior', { attr: 'age', gte: 60 }),
  seg('s-attr-vip2', { attr: 'vipLevel', gte: 2 }),
  seg('s-attr-female-30s', {
    all: [
      { attr: 'gender', eq: 'f' },
      { attr: 'age', gte: 30 },
      { attr: 'age', lt: 40 },
    ],
  }),
  seg('s-attr-not-sms', { attr: 'channel', ne: 'sms' }),
  seg('s-attr-outside-zj', { attr: 'province', nin: ['Zhejiang'] }),
  seg('s-attr-has-email', { attr: 'email', exists: true }),
  seg('s-attr-wechat-young', {
    any: [
      { attr: 'channel', eq: 'wechat' },
      { attr: 'age', lt: 25 },
    ],
  }),
  // tags
  seg('s-tag-vip', { tag: 'vip' }),
  seg('s-tag-dnc', { tag: 'do_not_contact' }),
  seg('s-tag-follower', { tag: 'wechat_follower' }),
  seg('s-tag-vip-or-follower', { any: [{ tag: 'vip' }, { tag: 'wechat_follower' }] }),
  seg('s-tag-contactable', { not: { tag: 'do_not_contact' } }),
  seg('s-tag-employee', { tag: 'employee' }),
  seg('s-tag-vip-hz', { all: [{ tag: 'vip' }, { attr: 'city', eq: 'Hangzhou' }] }),
  seg('s-tag-follower-not-vip', { all: [{ tag: 'wechat_follower' }, { not: { tag: 'vip' } }] }),
  // policies
  seg('s-pol-auto-exp-30d', {
    policy: { product: 'auto', status: 'active', expiresWithin: '30d' },
  }),
  seg('s-pol-home-exp-60d', {
    policy: { product: 'home', status: 'active', expiresWithin: '60d' },
  }),
  seg('s-pol-any-exp-7d', { policy: { status: 'active', expiresWithin: '7d' } }),
  seg('s-pol-auto-expired-30d', { policy: { product: 'auto', expiredWithin: '30d' } }),
  seg('s-pol-old-vehicle', {
    policy: { product: 'auto', status: 'active', where: { attr: 'vehicleAge', gte: 8 } },
  }),
  seg('s-pol-multi-product', { all: [activePolicy('auto'), activePolicy('home')] }),
  seg('s-pol-health', activePolicy(['health', 'accident'])),
  seg('s-pol-cancelled', { policy: { status: 'cancelled' } }),
  // claims
  seg('s-clm-settled-30d', { claim: { status: 'settled', within: '30d' } }),
  seg('s-clm-open', { claim: { status: ['reported', 'assessed'] } }),
  seg('s-clm-big', { claim: { minAmount: 20_000 } }),
  seg('s-clm-rejected-7d', { claim: { status: 'rejected', within: '7d' } }),
  seg('s-clm-recent-any-3d', { claim: { within: '3d' } }),
  seg('s-clm-settled-big-90d', { claim: { status: 'settled', within: '90d', minAmount: 10_000 } }),
  // behaviour windows
  seg('s-ev-active-7d', { event: 'app_open', within: '7d', count: { gte: 3 } }),
  seg('s-ev-viewed-1d', { event: 'page_view', within: '1d' }),
  seg('s-ev-dormant-30d', { event: 'app_open', within: '30d', count: { eq: 0 } }),
  seg('s-ev-form-3d', { event: 'form_submit', within: '3d' }),
  seg('s-ev-coupon-unredeemed', {
    all: [
      { event: 'coupon_received', within: '14d' },
      { event: 'coupon_redeemed', within: '14d', count: { eq: 0 } },
    ],
  }),
  seg('s-ev-heavy-viewer', { event: 'page_view', within: '1d', count: { gte: 5 } }),
  seg('s-ev-browse-not-buy', {
    all: [
      { event: 'page_view', within: '3d', count: { gte: 2 } },
      { event: 'form_submit', within: '3d', count: { eq: 0 } },
    ],
  }),
  seg('s-ev-app-1h', { event: 'app_open', within: '1h' }),
  seg('s-ev-moderate', { event: 'app_open', within: '7d', count: { gte: 1, lte: 3 } }),
  seg('s-ev-follow-30d', { event: 'wechat_follow', within: '30d' }),
  seg('s-ev-redeemer', { event: 'coupon_redeemed', within: '30d', count: { gte: 2 } }),
  seg('s-ev-no-view-7d-vip', {
    all: [{ tag: 'vip' }, { event: 'page_view', within: '7d', count: { eq: 0 } }],
  }),
  // segment references (up to four levels)
  seg('s-ref-renewal-target', {
    all: [{ segment: 's-pol-auto-exp-30d' }, { segment: 's-tag-contactable' }],
  }),
  seg('s-ref-renewal-active', {
    all: [{ segment: 's-ref-renewal-target' }, { segment: 's-ev-active-7d' }],
  }),
  seg('s-ref-dormant-vip', { all: [{ segment: 's-tag-vip' }, { segment: 's-ev-dormant-30d' }] }),
  seg('s-ref-claim-care', {
    all: [{ segment: 's-clm-settled-30d' }, { not: { segment: 's-tag-dnc' } }],
  }),
  seg('s-ref-cross-sell', {
    all: [
      { segment: 's-attr-mid-income' },
      { not: activePolicy('home') },
      { segment: 's-tag-contactable' },
    ],
  }),
  seg('s-ref-upsell-hi', {
    all: [{ segment: 's-attr-high-income' }, { segment: 's-ev-viewed-1d' }],
  }),
  seg('s-ref-young-engaged', {
    all: [
      { segment: 's-attr-young-urban' },
      { any: [{ segment: 's-ev-active-7d' }, { segment: 's-ev-follow-30d' }] },
    ],
  }),
  seg('s-ref-win-back', {
    all: [{ segment: 's-pol-auto-expired-30d' }, { segment: 's-tag-contactable' }],
  }),
  seg('s-ref-senior-health', {
    all: [{ segment: 's-attr-senior' }, { not: { segment: 's-pol-health' } }],
  }),
  seg('s-ref-coupon-nudge', {
    all: [{ segment: 's-ev-coupon-unredeemed' }, { segment: 's-attr-not-sms' }],
  }),
  seg('s-ref-browse-abandon', {
    all: [{ segment: 's-ev-browse-not-buy' }, { segment: 's-tag-contactable' }],
  }),
  seg('s-ref-old-vehicle-exp', {
    all: [{ segment: 's-pol-old-vehicle' }, { segment: 's-pol-auto-exp-30d' }],
  }),
  seg('s-ref-vip-claim', { all: [{ segment: 's-attr-vip2' }, { segment: 's-clm-open' }] }),
  seg('s-ref-big-claim-care', { all: [{ segment: 's-clm-big' }, { segment: 's-ref-claim-care' }] }),
  seg('s-ref-risky', { any: [{ segment: 's-clm-rejected-7d' }, { segment: 's-pol-cancelled' }] }),
  seg('s-ref-top', { all: [{ segment: 's-ref-renewal-active' }, { segment: 's-attr-vip2' }] }),
];

type TriggerExtras = Pick<TriggerRule, 'if' | 'delay' | 'cap' | 'holdout'>;

function trigger(id: string, on: TriggerRule['on'], extras: TriggerExtras = {}): TriggerRule {
  return {
    id,
    kind: 'trigger',
    on,
    ...extras,
    touch: {
      channel: 'push',
      template: id,
      params: { name: '${attr.name}', city: '${attr.city}' },
    },
  };
}

const notDnc: Condition = { not: { tag: 'do_not_contact' } };

export const TRIGGERS: readonly TriggerRule[] = [
  // enter
  trigger('t-enter-renewal', { enter: 's-pol-auto-exp-30d' }, { cap: { max: 1, per: '30d' } }),
  trigger('t-enter-renewal-target', { enter: 's-ref-renewal-target' }),
  trigger('t-enter-renewal-active', { enter: 's-ref-renewal-active' }, { holdout: 0.1 }),
  trigger('t-enter-dormant-vip', { enter: 's-ref-dormant-vip' }, { cap: { max: 1, per: '30d' } }),
  trigger('t-enter-claim-care', { enter: 's-ref-claim-care' }, { delay: '1h' }),
  trigger(
    't-enter-cross-sell',
    { enter: 's-ref-cross-sell' },
    { if: notDnc, holdout: 0.1, cap: { max: 1, per: '90d' } },
  ),
  trigger('t-enter-upsell-hi', { enter: 's-ref-upsell-hi' }, { cap: { max: 1, per: '7d' } }),
  trigger('t-enter-young-engaged', { enter: 's-ref-young-engaged' }),
  trigger('t-enter-win-back', { enter: 's-ref-win-back' }, { delay: '2h' }),
  trigger(
    't-enter-senior-health',
    { enter: 's-ref-senior-health' },
    { cap: { max: 1, per: '30d' } },
  ),
  trigger('t-enter-coupon-nudge', { enter: 's-ref-coupon-nudge' }, { cap: { max: 1, per: '1d' } }),
  trigger(
    't-enter-browse-abandon',
    { enter: 's-ref-browse-abandon' },
    { if: notDnc, delay: '30m', cap: { max: 1, per: '1d' } },
  ),
  trigger('t-enter-old-vehicle', { enter: 's-ref-old-vehicle-exp' }),
  trigger('t-enter-vip-claim', { enter: 's-ref-vip-claim' }),
  trigger('t-enter-big-claim', { enter: 's-ref-big-claim-care' }, { holdout: 0.2 }),
  trigger('t-enter-heavy-viewer', { enter: 's-ev-heavy-viewer' }, { cap: { max: 2, per: '1d' } }),
  // exit
  trigger('t-exit-renewal-target', { exit: 's-ref-renewal-target' }, { if: activePolicy('auto') }),
  trigger('t-exit-active', { exit: 's-ev-active-7d' }, { if: { tag: 'vip' } }),
  trigger('t-exit-claim-open', { exit: 's-clm-open' }, { cap: { max: 1, per: '7d' } }),
  trigger('t-exit-dormant-vip', { exit: 's-ref-dormant-vip' }),
  trigger('t-exit-follower', { exit: 's-tag-follower' }, { if: notDnc }),
  // events
  trigger('t-ev-redeemed', { event: 'behaviour', action: 'coupon_redeemed' }),
  trigger(
    't-ev-form',
    { event: 'behaviour', action: 'form_submit' },
    { if: { segment: 's-attr-high-income' } },
  ),
  trigger(
    't-ev-follow',
    { event: 'behaviour', action: 'wechat_follow' },
    { cap: { max: 1, per: '30d' } },
  ),
  trigger(
    't-ev-app-open-claim',
    { event: 'behaviour', action: 'app_open' },
    { if: { segment: 's-clm-open' }, cap: { max: 1, per: '1d' } },
  ),
  trigger('t-ev-claim-reported', { event: 'claim.reported' }),
  trigger(
    't-ev-claim-assessed',
    { event: 'claim.assessed' },
    { if: { claim: { minAmount: 5_000 } } },
  ),
  trigger('t-ev-claim-settled', { event: 'claim.settled' }, { if: notDnc, delay: '6h' }),
  trigger('t-ev-claim-rejected', { event: 'claim.rejected' }, { holdout: 0.2 }),
  trigger(
    't-ev-policy-issued',
    { event: 'policy.issued' },
    {
      if: { all: [activePolicy('auto'), { not: activePolicy('home') }] },
      holdout: 0.1,
      cap: { max: 1, per: '90d' },
    },
  ),
  trigger('t-ev-policy-renewed', { event: 'policy.renewed' }),
  trigger(
    't-ev-policy-cancelled',
    { event: 'policy.cancelled' },
    { if: { segment: 's-attr-vip2' } },
  ),
  trigger('t-ev-tag-added', { event: 'tag.added' }, { if: { tag: 'vip' } }),
  trigger('t-ev-tag-removed', { event: 'tag.removed' }, { cap: { max: 1, per: '7d' } }),
  trigger(
    't-ev-profile-email',
    { event: 'customer.profile' },
    { if: { attr: 'email', exists: true }, cap: { max: 1, per: '30d' } },
  ),
  trigger(
    't-ev-page-heavy',
    { event: 'behaviour', action: 'page_view' },
    { if: { segment: 's-ev-heavy-viewer' }, cap: { max: 1, per: '1d' } },
  ),
  trigger(
    't-ev-coupon-received',
    { event: 'behaviour', action: 'coupon_received' },
    { delay: '12h', if: { segment: 's-ev-coupon-unredeemed' } },
  ),
  trigger(
    't-ev-any-behaviour-top',
    { event: 'behaviour' },
    { if: { segment: 's-ref-top' }, cap: { max: 1, per: '7d' } },
  ),
  trigger(
    't-ev-claim-settled-big',
    { event: 'claim.settled' },
    { if: { claim: { status: 'settled', minAmount: 20_000 } } },
  ),
  // broadcast
  {
    id: 'weather-alert-city',
    kind: 'trigger',
    on: { broadcast: 'weather_alert', match: { attr: 'city', prop: 'city' } },
    if: activePolicy(['auto', 'home']),
    touch: {
      channel: 'sms',
      template: 'weather_alert',
      params: { city: '${event.props.city}', level: '${event.props.level}', name: '${attr.name}' },
    },
  },
];

export const RULES: readonly Rule[] = [...SEGMENTS, ...TRIGGERS];

/** The segment published during the run, whose backfill part (b) times. */
export const BACKFILL_SEGMENT: SegmentRule = seg('s-new-home-40plus', {
  all: [{ attr: 'age', gte: 40 }, activePolicy('home'), { not: { segment: 's-tag-dnc' } }],
});
