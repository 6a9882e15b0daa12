/**
 * The receipt shapes the callback routes accept, as JSON Schemas (validated by fastify, listed in
 * the OpenAPI document) and as the receipts they become.
 *
 * - Plain receipts, `POST /callbacks/:channel`: a JSON array of `{commandId, status, at?}`,
 *   status `delivered` or `clicked`, `at` in epoch ms. For providers (or an in-house gateway)
 *   that echo our command id, which every adapter sends as the idempotency key.
 * - JPush, `POST /callbacks/:channel/jpush`: JPush's message callback, a JSON array of records
 *   with a numeric `type` (4 delivered, 5 not delivered, 6 clicked; other types are ignored), the
 *   JPush `msgid` (or `msg_id`), the custom `params` given at push time (`params.commandId`
 *   names the command) and an optional `time` (epoch seconds or ms).
 * - WeChat, `POST /callbacks/:channel/wechat`: the official account's event push, as JSON or as
 *   XML (plaintext mode). `TEMPLATESENDJOBFINISH` gives `MsgID` and `Status` (`success`, or
 *   `failed:user block` / `failed: system failed`); other events are ignored. WeChat names only
 *   its own msgid, so the command is found through the command records.
 */
import { ApiBadRequestError } from './api-errors.js';
import type { CallbackReceipt } from './callbacks-port.js';

export const MAX_RECEIPTS = 1_000;

const providerId = { type: ['string', 'integer'] } as const;

export const receiptsBodySchema = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_RECEIPTS,
  description: 'Delivery receipts and clicks, each naming our command id',
  items: {
    type: 'object',
    required: ['commandId', 'status'],
    properties: {
      commandId: {
        type: 'string',
        minLength: 5,
        maxLength: 1_000,
        pattern: '^.+:.+:-?[0-9]+$',
        description: 'The command id sent to the provider: `<trigger>:<customerId>:<at>`',
      },
      status: { enum: ['delivered', 'clicked'] },
      at: { type: 'integer', minimum: 0, description: 'When it happened (epoch ms)' },
    },
  },
} as const;

export interface PlainReceipt {
  commandId: string;
  status: 'delivered' | 'clicked';
  at?: number;
}

export const jpushBodySchema = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_RECEIPTS,
  description: "JPush's message callback records",
  items: {
    type: 'object',
    required: ['type'],
    properties: {
      type: {
        type: 'integer',
        minimum: 0,
        maximum: 8,
        description: '4 delivered, 5 not delivered, 6 clicked; other types are ignored',
      },
      msgid: providerId,
      msg_id: providerId,
      params: {
        type: 'object',
        properties: { commandId: { type: 'string', minLength: 1, maxLength: 1_000 } },
      },
      time: { type: 'integer', minimum: 0, description: 'Epoch seconds or milliseconds' },
    },
  },
} as const;

export interface JpushRecord {
  type: number;
  msgid?: string | number;
  msg_id?: string | number;
  params?: { commandId?: string };
  time?: number;
}

export const wechatBodySchema = {
  type: 'object',
  required: ['MsgType', 'Event'],
  description: "WeChat's event push (JSON, or XML with the same element names)",
  properties: {
    ToUserName: { type: 'string' },
    FromUserName: { type: 'string' },
    CreateTime: providerId,
    MsgType: { type: 'string' },
    Event: { type: 'string' },
    MsgID: providerId,
    Status: { type: 'string' },
  },
} as const;

export interface WechatEvent {
  MsgType: string;
  Event: string;
  CreateTime?: string | number;
  MsgID?: string | number;
  Status?: string;
}

export const TEMPLATE_SEND_FINISHED = 'TEMPLATESENDJOBFINISH';

const JPUSH_STATUS: Readonly<Record<number, CallbackReceipt['status']>> = {
  4: 'delivered',
  5: 'failed',
  6: 'clicked',
};

/** Seconds before 2001-09-09, milliseconds after: JPush documents neither for every product. */
function epochMs(time: number): number {
  return time < 1e12 ? time * 1000 : time;
}

export function plainReceipts(body: readonly PlainReceipt[]): CallbackReceipt[] {
  return body.map((item) => ({
    commandId: item.commandId,
    status: item.status,
    ...(item.at === undefined ? {} : { at: item.at }),
  }));
}

/** The receipts among JPush's records, and how many records were of types not tracked. */
export function jpushReceipts(body: readonly JpushRecord[]): {
  receipts: CallbackReceipt[];
  ignored: number;
} {
  const receipts: CallbackReceipt[] = [];
  let ignored = 0;
  body.forEach((record, i) => {
    const status = JPUSH_STATUS[record.type];
    if (status === undefined) {
      ignored += 1;
      return;
    }
    const commandId = record.params?.commandId;
    const messageId = record.msgid ?? record.msg_id;
    if (commandId === undefined && messageId === undefined) {
      throw new ApiBadRequestError(
        `body.${i}.params.commandId is required when the record has no msgid`,
        `body.${i}.params.commandId`,
      );
    }
    receipts.push({
      ...(commandId === undefined ? {} : { commandId }),
      ...(messageId === undefined ? {} : { providerMessageId: String(messageId) }),
      status,
      ...(status === 'failed' ? { reason: 'JPush: not delivered' } : {}),
      ...(record.time === undefined ? {} : { at: epochMs(record.time) }),
    });
  });
  return { receipts, ignored };
}

/** The receipt in a WeChat event, or undefined for events that are not about a template send. */
export function wechatReceipt(event: WechatEvent): CallbackReceipt | undefined {
  if (event.Event !== TEMPLATE_SEND_FINISHED) return undefined;
  if (event.MsgID === undefined || String(event.MsgID).length === 0)
    throw new ApiBadRequestError('body.MsgID is required for TEMPLATESENDJOBFINISH', 'body.MsgID');
  if (event.Status === undefined)
    throw new ApiBadRequestError(
      'body.Status is required for TEMPLATESENDJOBFINISH',
      'body.Status',
    );
  const created = Number(event.CreateTime);
  const at = Number.isSafeInteger(created) && created > 0 ? { at: created * 1000 } : {};
  return event.Status === 'success'
    ? { providerMessageId: String(event.MsgID), status: 'delivered', ...at }
    : {
        providerMessageId: String(event.MsgID),
        status: 'failed',
        reason: `WeChat: ${event.Status}`,
        ...at,
      };
}

/**
 * WeChat's XML push is one flat element of text children (some in CDATA); this reads exactly
 * that and nothing more (no attributes, no nesting, no entities beyond the five XML ones).
 */
export function parseFlatXml(text: string): Record<string, string> | undefined {
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<xml>([\s\S]*)<\/xml>\s*$/.exec(text);
  if (root === null) return undefined;
  const out: Record<string, string> = {};
  const element = /<([A-Za-z_][\w.-]*)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
  for (const match of root[1].matchAll(element))
    out[match[1]] = match[2] ?? unescapeXml(match[3] ?? '');
  return out;
}

function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}
