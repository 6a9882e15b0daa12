/**
 * `touchstream dev` delivers to local fake providers (src/embedded/providers), so the whole path,
 * guards and channel adapters included, runs with nothing installed. Every example rule's template
 * is mapped on every channel.
 */
import type { FakeProviders } from '../../embedded/index.js';

const TEMPLATES = [
  'claim_care',
  'home_cross_sell_coupon',
  'renewal_reminder_30d',
  'vip_we_miss_you',
  'weather_alert',
];

function each<T>(make: (name: string) => T): Record<string, T> {
  return Object.fromEntries(TEMPLATES.map((name) => [name, make(name)]));
}

export function devChannelConfig(fakes: FakeProviders): Record<string, unknown> {
  const credentials = fakes.credentials;
  return {
    push: {
      baseUrl: fakes.endpoints.push,
      appKey: credentials.pushAppKey,
      masterSecret: credentials.pushMasterSecret,
      templates: each((name) => ({ title: 'touchstream', alert: name.replace(/_/g, ' ') })),
    },
    wechat: {
      baseUrl: fakes.endpoints.wechat,
      appId: credentials.wechatAppId,
      appSecret: credentials.wechatAppSecret,
      templates: each((name) => ({ templateId: `tmpl-${name}` })),
    },
    sms: {
      url: fakes.endpoints.sms,
      signingSecret: credentials.smsSigningSecret,
      templates: each((name) => ({ templateCode: `SMS_${name.toUpperCase()}` })),
    },
    coupon: {
      url: fakes.endpoints.coupon,
      templates: each((name) => ({ couponTemplate: `CPN-${name}` })),
    },
  };
}
