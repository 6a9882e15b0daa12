/**
 * The JSON the customer routes answer with, built from the rule engine's customer state and the
 * timeline store, and the schemas that document (and serialize) it. Lists are sorted so that the
 * same state gives the same bytes on whichever instance reads it.
 */
import type { CustomerState } from '../rules/index.js';
import type { TimelineEntry } from '../runtime/index.js';

export interface CustomerProfile {
  customerId: string;
  attributes: Record<string, unknown>;
  tags: string[];
  policies: {
    policyId: string;
    product: string;
    status: string;
    startDate: number;
    endDate: number;
    premium: number;
    insured: Record<string, unknown>;
  }[];
  claims: { claimId: string; status: string; statusTs: number; amount?: number }[];
  segments: string[];
  /** The last instant the engine evaluated this customer at (epoch ms). */
  evaluatedAt: number | null;
}

function byKey<T>(map: ReadonlyMap<string, T>): [string, T][] {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function customerProfile(state: CustomerState): CustomerProfile {
  return {
    customerId: state.customerId,
    attributes: Object.fromEntries(byKey(state.attrsView)),
    tags: [...state.tagsView].sort(),
    policies: byKey(state.policiesView).map(([policyId, policy]) => ({
      policyId,
      product: policy.product,
      status: policy.status,
      startDate: policy.startDate,
      endDate: policy.endDate,
      premium: policy.premium,
      insured: Object.fromEntries(byKey(policy.attrs)),
    })),
    claims: byKey(state.claimsView).map(([claimId, claim]) => ({
      claimId,
      status: claim.status,
      statusTs: claim.statusTs,
      ...(claim.amount === undefined ? {} : { amount: claim.amount }),
    })),
    segments: [...state.segmentsView].sort(),
    evaluatedAt: Number.isFinite(state.evaluatedAt) ? state.evaluatedAt : null,
  };
}

export interface TimelineResponse {
  customerId: string;
  entries: TimelineEntry[];
  /** Pass as `cursor` for the next (older) page; null when there is none. */
  nextCursor: string | null;
}

const anyObject = { type: 'object', additionalProperties: true } as const;

export const profileSchema = {
  type: 'object',
  required: ['customerId', 'attributes', 'tags', 'policies', 'claims', 'segments'],
  properties: {
    customerId: { type: 'string' },
    attributes: anyObject,
    tags: { type: 'array', items: { type: 'string' } },
    policies: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          policyId: { type: 'string' },
          product: { type: 'string' },
          status: { type: 'string', enum: ['active', 'cancelled'] },
          startDate: { type: 'number' },
          endDate: { type: 'number' },
          premium: { type: 'number' },
          insured: anyObject,
        },
      },
    },
    claims: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          claimId: { type: 'string' },
          status: { type: 'string' },
          statusTs: { type: 'number' },
          amount: { type: 'number' },
        },
      },
    },
    segments: { type: 'array', items: { type: 'string' } },
    evaluatedAt: { type: ['number', 'null'] },
  },
} as const;

export const timelineSchema = {
  type: 'object',
  required: ['customerId', 'entries', 'nextCursor'],
  properties: {
    customerId: { type: 'string' },
    entries: {
      type: 'array',
      description: 'Newest first',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['event', 'transition', 'touch', 'feedback'] },
          at: { type: 'number', description: 'When it happened (epoch ms)' },
          data: { ...anyObject, description: 'The record as it travelled' },
        },
      },
    },
    nextCursor: { type: ['string', 'null'] },
  },
} as const;
