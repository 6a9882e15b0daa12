/**
 * Every setting of touchstream: its type, default and meaning. Validated once at start (ajv) and
 * frozen; nothing else in the code reads the environment.
 */
import { DELIVERY_CONFIG_SCHEMA } from './delivery-config.js';
import { TRACKING_CONFIG_SCHEMA } from './tracking-config.js';

export const configSchema = {
  $id: 'touchstream-config',
  type: 'object',
  additionalProperties: false,
  properties: {
    applicationId: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]+$',
      default: 'touchstream',
      description:
        'Consumer group id and prefix of internal topics; instances of one deployment share it.',
    },
    instanceId: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]+$',
      description:
        'Stable id of this instance (transactional id, reader groups). Default: the host name.',
    },
    stateDir: {
      type: 'string',
      minLength: 1,
      default: '.state',
      description: 'Local state directory (LevelDB stores, checkpoints).',
    },
    kafka: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        brokers: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '^[^:\\s]+:[0-9]{1,5}$' },
          description:
            'Bootstrap brokers host:port. Absent: the embedded broker is started (development only).',
        },
        processingGuarantee: { enum: ['exactly_once', 'at_least_once'], default: 'exactly_once' },
        sessionTimeoutMs: { type: 'integer', minimum: 100, default: 10000 },
        heartbeatIntervalMs: { type: 'integer', minimum: 50, default: 1000 },
        partitions: {
          type: 'integer',
          minimum: 1,
          maximum: 1024,
          default: 8,
          description: 'Partitions of the topics touchstream creates.',
        },
        embeddedPort: {
          type: 'integer',
          minimum: 0,
          maximum: 65535,
          default: 9092,
          description: 'Port of the embedded broker (0: any free port).',
        },
      },
    },
    schemaRegistry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        url: {
          type: 'string',
          pattern: '^https?://',
          description: 'Schema Registry URL. Absent: the embedded registry is started.',
        },
        embeddedPort: { type: 'integer', minimum: 0, maximum: 65535, default: 8081 },
      },
    },
    serdes: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        events: {
          enum: ['avro', 'json'],
          default: 'avro',
          description:
            'Encoding of the event and broadcast topics (Avro with the Schema Registry, or JSON).',
        },
        outputs: {
          enum: ['avro', 'json'],
          default: 'avro',
          description: 'Encoding of the touch-command and segment-transition topics.',
        },
      },
    },
    topics: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        events: { type: 'string', default: 'touchstream.events' },
        broadcasts: { type: 'string', default: 'touchstream.broadcasts' },
        rules: { type: 'string', default: 'touchstream.rules' },
        transitions: { type: 'string', default: 'touchstream.segment-transitions' },
        touches: { type: 'string', default: 'touchstream.touch-commands' },
        ruleRejections: { type: 'string', default: 'touchstream.rule-rejections' },
        deadLetters: { type: 'string', default: 'touchstream.dead-letters' },
        feedback: {
          type: 'string',
          default: 'touchstream.delivery-feedback',
          description:
            'Delivery feedback (sent, delivered, clicked, ...) keyed by customerId; read into customer timelines.',
        },
      },
    },
    rules: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        retention: {
          type: 'string',
          pattern: '^[0-9]+[mhd]$',
          default: '90d',
          description: 'How long behaviour history is kept.',
        },
        indexedAttributes: {
          type: 'array',
          items: { type: 'string' },
          default: ['city', 'province'],
        },
        wakeClock: {
          enum: ['wall', 'stream'],
          default: 'wall',
          description:
            'Clock of time-driven segment changes and delayed triggers: wall (fire on a quiet night with no events) or stream (only as events move time, as replay does).',
        },
        examplesDir: {
          type: 'string',
          description: 'Rules published at start (dev mode: examples/rules).',
        },
        contactAttributes: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description:
            'Customer attributes a touch command takes its contact details from (the delivery stage needs the one of its channel).',
          properties: {
            phone: { type: 'string', minLength: 1, default: 'phone' },
            openid: { type: 'string', minLength: 1, default: 'openid' },
            pushRegistrationId: { type: 'string', minLength: 1, default: 'pushRegistrationId' },
          },
        },
        insightAttributes: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description:
            'Customer attributes segment insight breaks sizes down by (age is a number of years, banded); products come from active policies.',
          properties: {
            gender: { type: 'string', minLength: 1, default: 'gender' },
            age: { type: 'string', minLength: 1, default: 'age' },
            province: { type: 'string', minLength: 1, default: 'province' },
            city: { type: 'string', minLength: 1, default: 'city' },
            channel: { type: 'string', minLength: 1, default: 'channel' },
            level: { type: 'string', minLength: 1, default: 'level' },
          },
        },
        insightUtcOffsetMinutes: {
          type: 'integer',
          minimum: -720,
          maximum: 840,
          default: 480,
          description: "Offset from UTC of segment insight's hour and day buckets (480: China).",
        },
      },
    },
    api: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
        advertisedAddress: {
          type: 'string',
          pattern: '^https?://[^/\\s]+$',
          description:
            'Base URL other instances use to reach this API (interactive queries). Default: http://<host>:<port>; set it when host is 0.0.0.0.',
        },
        tokens: {
          type: 'array',
          default: [],
          description:
            'Bearer tokens and their roles (viewer < operator < author). Environment: a JSON array. None: every protected route answers 401.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['token', 'role'],
            properties: {
              token: { type: 'string', minLength: 8, pattern: '^\\S+$' },
              role: { enum: ['viewer', 'operator', 'author'] },
            },
          },
        },
        forwardTimeoutMs: {
          type: 'integer',
          minimum: 100,
          default: 5000,
          description: 'How long a query forwarded to the instance owning the data may take.',
        },
      },
    },
    timeline: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxEntries: {
          type: 'integer',
          minimum: 1,
          default: 1000,
          description:
            'Newest timeline entries kept per customer; older ones also expire after rules.retention.',
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], default: 'info' },
      },
    },
    delivery: DELIVERY_CONFIG_SCHEMA,
    tracking: TRACKING_CONFIG_SCHEMA,
    generator: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: {
          type: 'boolean',
          default: false,
          description: 'Produce synthetic insurance events (dev mode turns it on).',
        },
        customers: { type: 'integer', minimum: 1, default: 2000 },
        eventsPerSecond: { type: 'integer', minimum: 1, default: 200 },
        seed: { type: 'integer', default: 20261125 },
      },
    },
  },
} as const;
