import { DURATION_PATTERN } from './duration.js';
import { ATTR_OPS, CHANNELS, COUNT_OPS, CUSTOMER_EVENT_TYPES } from './types.js';

/**
 * The JSON Schema of a rule (contract section 4, conditions from section 3). `x-messages` holds
 * the wording the validator reports for a failing keyword at that place; ajv ignores it.
 *
 * Condition forms are told apart by which key is present, so each form is an `if {required: [k]}
 * then FORM` branch: an error then points inside the form the author meant instead of listing
 * every form that did not match.
 */

const duration = {
  type: 'string',
  pattern: DURATION_PATTERN,
  'x-messages': { pattern: 'must be a duration <integer><unit> with unit m, h or d (e.g. 30d)' },
};
const name = { type: 'string', minLength: 1 };
const primitive = { type: ['string', 'number', 'boolean', 'null'] };
const primitives = { type: 'array', items: primitive };

const CLAIM_STATUSES = ['reported', 'assessed', 'settled', 'rejected'];
const CONDITION_FORMS = ['all', 'any', 'not', 'attr', 'tag', 'policy', 'claim', 'event', 'segment'];
const WHERE_FORMS = ['all', 'any', 'not', 'attr'];

function form(
  key: string,
  value: object,
  extra: Record<string, object> = {},
  required: string[] = [],
) {
  return {
    type: 'object',
    properties: { [key]: value, ...extra },
    required: [key, ...required],
    additionalProperties: false,
  };
}

/**
 * One `if {type: object, required: [key]} then FORM` branch per form. `x-forms` tells the
 * validator which keys are rival forms, so two forms in one object read as that, not as an
 * unknown field.
 */
function branches(forms: Record<string, object>, label: string) {
  const keys = Object.keys(forms);
  return Object.entries(forms).map(([key, then]) => ({
    if: { type: 'object', required: [key] },
    then: { ...then, 'x-forms': { label, keys } },
  }));
}

const attrForm = {
  ...form(
    'attr',
    name,
    Object.fromEntries([
      ...ATTR_OPS.map((op) => [op, op === 'in' || op === 'nin' ? primitives : primitive]),
      ['exists', { type: 'boolean' }],
    ]),
  ),
  minProperties: 2,
  maxProperties: 2,
  'x-messages': {
    minProperties: `must have exactly one operator (${ATTR_OPS.join(', ')}) or exists`,
    maxProperties: `must have exactly one operator (${ATTR_OPS.join(', ')}) or exists`,
  },
};

function combinators(ref: string) {
  return {
    all: form('all', { type: 'array', items: { $ref: ref } }),
    any: form('any', { type: 'array', items: { $ref: ref } }),
    not: form('not', { $ref: ref }),
  };
}

const condition = {
  type: 'object',
  anyOf: CONDITION_FORMS.map((key) => ({ required: [key] })),
  allOf: branches(
    {
      ...combinators('#/$defs/condition'),
      attr: attrForm,
      tag: form('tag', name),
      segment: form('segment', name),
      policy: form('policy', {
        type: 'object',
        properties: {
          product: { type: ['string', 'array'], items: name },
          status: { enum: ['active', 'cancelled'] },
          expiresWithin: duration,
          expiredWithin: duration,
          where: { $ref: '#/$defs/whereCondition' },
        },
        additionalProperties: false,
      }),
      claim: form('claim', {
        type: 'object',
        properties: {
          status: {
            type: ['string', 'array'],
            items: { enum: CLAIM_STATUSES },
            if: { type: 'string' },
            then: { enum: CLAIM_STATUSES },
          },
          within: duration,
          minAmount: { type: 'number' },
        },
        additionalProperties: false,
      }),
      event: form(
        'event',
        name,
        {
          within: duration,
          count: {
            type: 'object',
            properties: Object.fromEntries(
              COUNT_OPS.map((op) => [op, { type: 'integer', minimum: 0 }]),
            ),
            additionalProperties: false,
            minProperties: 1,
            'x-messages': {
              minProperties: `must give at least one of ${COUNT_OPS.join(', ')} (or leave count out)`,
            },
          },
        },
        ['within'],
      ),
    },
    'a condition',
  ),
  'x-messages': {
    anyOf: `must be one condition form: ${CONDITION_FORMS.join(', ')}`,
    type: 'must be a condition object',
  },
};

const whereCondition = {
  type: 'object',
  anyOf: WHERE_FORMS.map((key) => ({ required: [key] })),
  allOf: branches(
    { ...combinators('#/$defs/whereCondition'), attr: attrForm },
    'a where condition',
  ),
  'x-messages': {
    anyOf: 'must be an attr, all, any or not form (where tests the policy attrs only)',
    type: 'must be a condition object',
  },
};

const on = {
  type: 'object',
  anyOf: ['event', 'enter', 'exit', 'broadcast'].map((key) => ({ required: [key] })),
  allOf: branches(
    {
      event: form('event', { enum: [...CUSTOMER_EVENT_TYPES] }, { action: name }),
      enter: form('enter', name),
      exit: form('exit', name),
      broadcast: form('broadcast', name, {
        match: {
          type: 'object',
          properties: { attr: name, prop: name },
          required: ['attr', 'prop'],
          additionalProperties: false,
        },
      }),
    },
    'an ON',
  ),
  'x-messages': {
    anyOf:
      'must be one of {"event": TYPE}, {"enter": SEGMENT}, {"exit": SEGMENT}, {"broadcast": TOPIC}',
  },
};

const common = {
  id: name,
  kind: { enum: ['segment', 'trigger'] },
  name: { type: 'string' },
  version: { type: ['string', 'number'] },
};

export const ruleSchema = {
  $id: 'https://touchstream.dev/schemas/rule.json',
  type: 'object',
  properties: common,
  required: ['id', 'kind'],
  'x-messages': { type: 'must be a rule object' },
  allOf: [
    {
      if: { type: 'object', properties: { kind: { const: 'segment' } }, required: ['kind'] },
      then: {
        properties: { ...common, when: { $ref: '#/$defs/condition' } },
        required: ['when'],
        additionalProperties: false,
      },
    },
    {
      if: { type: 'object', properties: { kind: { const: 'trigger' } }, required: ['kind'] },
      then: {
        properties: {
          ...common,
          on,
          if: { $ref: '#/$defs/condition' },
          delay: duration,
          touch: {
            type: 'object',
            properties: {
              channel: { enum: [...CHANNELS] },
              template: { type: 'string' },
              params: { type: 'object' },
            },
            required: ['channel', 'template'],
            additionalProperties: false,
          },
          cap: {
            type: 'object',
            properties: { max: { type: 'integer', minimum: 1 }, per: duration },
            required: ['max', 'per'],
            additionalProperties: false,
          },
          holdout: { type: 'number', minimum: 0, maximum: 1 },
        },
        required: ['on', 'touch'],
        additionalProperties: false,
      },
    },
  ],
  $defs: { condition, whereCondition },
};
