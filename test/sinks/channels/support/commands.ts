import { randomUUID } from 'node:crypto';
import type { TouchCommand } from '../../../../src/sinks/index.js';

export const T0 = Date.UTC(2026, 2, 2, 2, 0);

/** A complete renewal reminder for every channel; tests override what they are about. */
export function touchCommand(overrides: Partial<TouchCommand> = {}): TouchCommand {
  return {
    commandId: `cmd-${randomUUID()}`,
    at: T0,
    trigger: 'renewal-reminder',
    ruleVersion: 3,
    customerId: 'c-1001',
    channel: 'push',
    template: 'renewal',
    params: { policyNo: 'P-778', daysLeft: 30, vip: true, note: null },
    heldOut: false,
    createdAt: T0,
    phone: '+8613800138000',
    openid: 'oAbC_123456',
    pushRegistrationId: '1a0018970a5c3a9bd5e',
    ...overrides,
  };
}
