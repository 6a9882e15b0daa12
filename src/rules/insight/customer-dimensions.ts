import type { CustomerState } from '../customer-state.js';

/**
 * The attributes segment insight breaks sizes down by (issue: gender, age band, province/city,
 * channel, policy product and customer level). Products come from the customer's active
 * policies; the rest from attributes, named here so that a deployment can map its own.
 */
export interface InsightAttributes {
  gender: string;
  /** A number of years; bands are computed from it. */
  age: string;
  province: string;
  city: string;
  channel: string;
  level: string;
}

export const DEFAULT_INSIGHT_ATTRIBUTES: Readonly<InsightAttributes> = Object.freeze({
  gender: 'gender',
  age: 'age',
  province: 'province',
  city: 'city',
  channel: 'channel',
  level: 'level',
});

/** Dimension names in the order `CustomerDimensions.values` holds them. */
export const SINGLE_DIMENSIONS = [
  'gender',
  'ageBand',
  'province',
  'city',
  'channel',
  'level',
] as const;
export const PRODUCT_DIMENSION = 'product';
export const UNKNOWN = 'unknown';

export interface CustomerDimensions {
  /** One value per SINGLE_DIMENSIONS entry ('unknown' when absent). */
  values: string[];
  /** Distinct products of active policies, sorted. */
  products: string[];
}

const AGE_BANDS: readonly [number, string][] = [
  [25, '<25'],
  [35, '25-34'],
  [45, '35-44'],
  [55, '45-54'],
  [65, '55-64'],
];

export function ageBand(age: unknown): string {
  if (typeof age !== 'number' || !Number.isFinite(age) || age < 0) return UNKNOWN;
  for (const [below, band] of AGE_BANDS) if (age < below) return band;
  return '65+';
}

function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return UNKNOWN;
  return typeof value === 'string' ? value : String(value);
}

export function customerDimensions(
  state: CustomerState,
  attributes: Readonly<InsightAttributes>,
): CustomerDimensions {
  const attrs = state.attrsView;
  const values = [
    text(attrs.get(attributes.gender)),
    ageBand(attrs.get(attributes.age)),
    text(attrs.get(attributes.province)),
    text(attrs.get(attributes.city)),
    text(attrs.get(attributes.channel)),
    text(attrs.get(attributes.level)),
  ];
  const products: string[] = [];
  for (const policy of state.policiesView.values()) {
    if (policy.status === 'active' && !products.includes(policy.product))
      products.push(policy.product);
  }
  products.sort();
  return { values, products };
}

export function sameDimensions(a: CustomerDimensions, b: CustomerDimensions): boolean {
  if (a.products.length !== b.products.length) return false;
  for (let i = 0; i < a.values.length; i++) if (a.values[i] !== b.values[i]) return false;
  for (let i = 0; i < a.products.length; i++) if (a.products[i] !== b.products[i]) return false;
  return true;
}
