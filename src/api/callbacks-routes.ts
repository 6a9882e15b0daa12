/**
 * Routes providers post delivery receipts and clicks to (callback-shapes.ts lists the shapes).
 * Providers are not bearer-token users: each request proves itself with the channel's shared
 * secret (callback-signatures.ts), checked before the body is validated, so an unsigned request
 * learns nothing about the schema. Receipts become feedback records through the port; the answer
 * comes once they are written, so a provider told "ok" never has to send them again.
 *
 * The routes live in an encapsulated plugin: there the JSON parser keeps the raw body (the HMAC
 * is over the bytes as sent) and WeChat's XML is parsed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiBadRequestError, ApiNotFoundError, ApiUnauthorizedError } from './api-errors.js';
import {
  jpushBodySchema,
  jpushReceipts,
  parseFlatXml,
  plainReceipts,
  receiptsBodySchema,
  wechatBodySchema,
  wechatReceipt,
} from './callback-shapes.js';
import type { JpushRecord, PlainReceipt, WechatEvent } from './callback-shapes.js';
import {
  DEFAULT_MAX_SKEW_MS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  checkBasic,
  checkHmac,
  checkWechat,
} from './callback-signatures.js';
import type {
  CallbackChannelAuth,
  CallbackReceipt,
  CallbacksApiOptions,
  IngestResult,
} from './callbacks-port.js';
import { errorShape } from './rules-routes.js';
import { ApiCallbackUnavailableError } from './tracking-errors.js';

type Scheme = 'hmac' | 'basic' | 'wechat';

const rawBodies = new WeakMap<FastifyRequest, string>();
/** Bodies that did not parse: refused only once the signature passed, as any other bad body. */
const unparsed = new WeakMap<FastifyRequest, string>();

const channelParams = {
  type: 'object',
  required: ['channel'],
  properties: { channel: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const ingestAnswer = {
  type: 'object',
  properties: {
    accepted: { type: 'integer', description: 'Feedback records written' },
    ignored: { type: 'integer', description: 'Records of kinds not tracked' },
    unresolved: {
      type: 'array',
      description:
        'Receipts naming no command this engine can place (sending them again will not help)',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          id: { type: 'string' },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

const errors = { 400: errorShape, 401: errorShape, 404: errorShape, 503: errorShape } as const;

const wechatQuery = {
  type: 'object',
  properties: {
    signature: { type: 'string' },
    timestamp: { type: 'string' },
    nonce: { type: 'string' },
    echostr: { type: 'string' },
  },
} as const;

interface ChannelRequest {
  Params: { channel: string };
}

export function registerCallbacksRoutes(app: FastifyInstance, options: CallbacksApiOptions): void {
  const clock = options.clock ?? Date.now;
  const maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;

  const channelAuth = (channel: string): CallbackChannelAuth => {
    const auth = Object.hasOwn(options.channels, channel) ? options.channels[channel] : undefined;
    if (auth === undefined) throw new ApiNotFoundError('callback channel', channel);
    return auth;
  };

  /** Runs before validation: an unauthenticated request never sees a schema error. */
  const verify = (scheme: Scheme) => async (request: FastifyRequest<ChannelRequest>) => {
    const auth = channelAuth(request.params.channel);
    let problem: string | undefined;
    if (scheme === 'hmac') {
      problem = checkHmac(
        auth.secret,
        request.headers,
        rawBodies.get(request) ?? '',
        clock(),
        maxSkewMs,
      );
    } else if (scheme === 'basic') {
      problem = checkBasic(auth.user ?? '', auth.secret, request.headers.authorization);
    } else {
      problem = checkWechat(
        auth.secret,
        request.query as Record<string, unknown>,
        clock(),
        maxSkewMs,
      );
    }
    if (problem !== undefined) {
      throw new ApiUnauthorizedError(
        `callback for channel ${request.params.channel} refused: ${problem}`,
      );
    }
    const parseError = unparsed.get(request);
    if (parseError !== undefined) throw new ApiBadRequestError(`body ${parseError}`, 'body');
  };

  const ingest = async (channel: string, receipts: CallbackReceipt[]): Promise<IngestResult> => {
    if (receipts.length === 0) return { accepted: 0, unresolved: [] };
    try {
      return await options.port.ingest(channel, receipts);
    } catch (error) {
      if ((error as { retryable?: unknown }).retryable === true)
        throw new ApiCallbackUnavailableError(channel, error);
      throw error;
    }
  };

  app.register(async (scope) => {
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = body as string;
      rawBodies.set(request, text);
      try {
        done(null, text.length === 0 ? undefined : JSON.parse(text));
      } catch (error) {
        unparsed.set(request, `is not valid JSON (${(error as Error).message})`);
        done(null, undefined);
      }
    });
    scope.addContentTypeParser(
      ['text/xml', 'application/xml'],
      { parseAs: 'string' },
      (request, body, done) => {
        const text = body as string;
        rawBodies.set(request, text);
        const parsed = parseFlatXml(text);
        if (parsed === undefined) unparsed.set(request, 'is not a WeChat <xml> push');
        done(null, parsed);
      },
    );

    scope.post<ChannelRequest & { Body: PlainReceipt[] }>(
      '/callbacks/:channel',
      {
        preValidation: verify('hmac'),
        schema: {
          summary: `Delivery receipts and clicks by command id, signed with ${SIGNATURE_HEADER} (HMAC-SHA256 of "${TIMESTAMP_HEADER}.body")`,
          tags: ['callbacks'],
          params: channelParams,
          body: receiptsBodySchema,
          response: { 200: ingestAnswer, ...errors },
        },
      },
      async (request) => ingest(request.params.channel, plainReceipts(request.body)),
    );

    scope.post<ChannelRequest & { Body: JpushRecord[] }>(
      '/callbacks/:channel/jpush',
      {
        preValidation: verify('basic'),
        schema: {
          summary:
            "JPush's message callback (delivered, not delivered, clicked), HTTP Basic appKey:masterSecret",
          tags: ['callbacks'],
          params: channelParams,
          body: jpushBodySchema,
          response: { 200: ingestAnswer, ...errors },
        },
      },
      async (request) => {
        const { receipts, ignored } = jpushReceipts(request.body);
        return { ...(await ingest(request.params.channel, receipts)), ignored };
      },
    );

    scope.get<ChannelRequest & { Querystring: { echostr?: string } }>(
      '/callbacks/:channel/jpush',
      {
        preValidation: verify('basic'),
        schema: {
          summary: "JPush's check of the callback URL: echoes echostr",
          tags: ['callbacks'],
          params: channelParams,
          querystring: {
            type: 'object',
            required: ['echostr'],
            properties: { echostr: { type: 'string', maxLength: 200 } },
          },
        },
      },
      async (request, reply) => echo(reply, request.query.echostr),
    );

    scope.post<ChannelRequest & { Body: WechatEvent }>(
      '/callbacks/:channel/wechat',
      {
        preValidation: verify('wechat'),
        schema: {
          summary:
            "WeChat's event push (TEMPLATESENDJOBFINISH), JSON or XML, signed in the query string",
          tags: ['callbacks'],
          params: channelParams,
          querystring: wechatQuery,
          body: wechatBodySchema,
        },
      },
      async (request, reply) => {
        const receipt = wechatReceipt(request.body);
        if (receipt !== undefined) await ingest(request.params.channel, [receipt]);
        // WeChat reads any other answer as a failed reply to the user.
        return reply.type('text/plain; charset=utf-8').send('success');
      },
    );

    scope.get<ChannelRequest & { Querystring: { echostr?: string } }>(
      '/callbacks/:channel/wechat',
      {
        preValidation: verify('wechat'),
        schema: {
          summary: "WeChat's check of the server URL: echoes echostr",
          tags: ['callbacks'],
          params: channelParams,
          querystring: { ...wechatQuery, required: ['echostr'] },
        },
      },
      async (request, reply) => echo(reply, request.query.echostr),
    );
  });
}

function echo(reply: FastifyReply, echostr: string | undefined): FastifyReply {
  return reply.type('text/plain; charset=utf-8').send(echostr ?? '');
}
