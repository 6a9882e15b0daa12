import type { FakeProviders } from '../../../../src/embedded/index.js';
import type { AdapterOverrides } from '../adapter-conformance.js';

/** The channel config for one built-in channel, pointed at the fakes, with a test's http overrides. */
export function channelConfigFor(
  fakes: FakeProviders,
  channel: 'push' | 'wechat' | 'sms' | 'coupon',
  http: AdapterOverrides['http'] = {},
): Record<string, unknown> {
  const c = fakes.credentials;
  const sections = {
    push: {
      baseUrl: fakes.endpoints.push,
      appKey: c.pushAppKey,
      masterSecret: c.pushMasterSecret,
      templates: {
        renewal: { title: 'Renewal due', alert: 'Policy {policyNo} renews in {daysLeft} days' },
      },
    },
    wechat: {
      baseUrl: fakes.endpoints.wechat,
      appId: c.wechatAppId,
      appSecret: c.wechatAppSecret,
      templates: {
        renewal: { templateId: 'tmpl-renewal-01', url: 'https://m.example.com/renew/{policyNo}' },
      },
    },
    sms: {
      url: fakes.endpoints.sms,
      signingSecret: c.smsSigningSecret,
      templates: { renewal: { templateCode: 'SMS_RENEWAL_30D' } },
    },
    coupon: {
      url: fakes.endpoints.coupon,
      templates: { renewal: { couponTemplate: 'CPN-RENEW-50' } },
    },
  };
  return { [channel]: { ...sections[channel], http } };
}
