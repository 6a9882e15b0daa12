import type { CustomerState } from '../customer-state.js';
import type { Touch } from '../types.js';
import type { ContactAttributes, TouchCommandRecord } from './rule-engine-options.js';

function contactOf(state: CustomerState, attribute: string): string | null {
  const value = state.attrsView.get(attribute);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** A touch as the touch-commands topic carries it: the contract's fields and the contact details its channel needs. */
export function touchCommand(
  touch: Touch,
  state: CustomerState,
  contact: Readonly<ContactAttributes>,
): TouchCommandRecord {
  // Field by field rather than a spread: one fixed shape, built without copying through a map.
  return {
    at: touch.at,
    trigger: touch.trigger,
    customerId: touch.customerId,
    channel: touch.channel,
    template: touch.template,
    params: touch.params,
    heldOut: touch.heldOut,
    phone: contactOf(state, contact.phone),
    openid: contactOf(state, contact.openid),
    pushRegistrationId: contactOf(state, contact.pushRegistrationId),
  };
}
