import type { BrokerState } from '../shared.js';
import { NODE_ID } from '../shared.js';
import { DEFAULT_TOPIC_CONFIGS } from '../shared.js';
import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * DescribeConfigs Request (Version: 1) => [resources] include_synonyms
 *   resources => resource_type resource_name [config_names]
 *     resource_type => INT8              (2 topic, 4 broker)
 *     resource_name => STRING
 *     config_names => STRING             (null array: all)
 *   include_synonyms => BOOLEAN
 *
 * DescribeConfigs Response (Version: 1) => throttle_time_ms [resources]
 *   throttle_time_ms => INT32
 *   resources => error_code error_message resource_type resource_name [config_entries]
 *     error_code => INT16  error_message => NULLABLE_STRING  resource_type => INT8  resource_name => STRING
 *     config_entries => config_name config_value read_only config_source is_sensitive [config_synonyms]
 *       config_name => STRING  config_value => NULLABLE_STRING  read_only => BOOLEAN
 *       config_source => INT8  (1 topic config, 4 static broker config, 5 default)
 *       is_sensitive => BOOLEAN
 *       config_synonyms => config_name config_value config_source
 */
interface Resource {
  type: number;
  name: string;
  configNames: string[] | null;
}

interface ConfigEntry {
  name: string;
  value: string;
  source: number;
}

interface ResourceResult {
  includeSynonyms: boolean;
  errorCode: number;
  errorMessage: string | null;
  type: number;
  name: string;
  entries: ConfigEntry[];
}

const TOPIC = 2;
const BROKER = 4;
const SOURCE_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;

function brokerConfigs(broker: BrokerState): Record<string, string> {
  return {
    'auto.create.topics.enable': String(broker.options.autoCreateTopics),
    'num.partitions': String(broker.options.defaultPartitions),
    'default.replication.factor': '1',
    'offsets.topic.replication.factor': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.max.timeout.ms': String(broker.options.transactionTimeoutMaxMs),
    'group.initial.rebalance.delay.ms': String(broker.options.groupInitialRebalanceDelayMs),
    'group.min.session.timeout.ms': String(broker.options.groupMinSessionTimeoutMs),
    'group.max.session.timeout.ms': String(broker.options.groupMaxSessionTimeoutMs),
    'socket.request.max.bytes': String(broker.options.maxRequestBytes),
  };
}

function describe(
  broker: BrokerState,
  resource: Resource,
): Omit<ResourceResult, 'includeSynonyms'> {
  const base = { type: resource.type, name: resource.name };
  let entries: ConfigEntry[];
  if (resource.type === TOPIC) {
    const topic = broker.topics.get(resource.name);
    if (topic === undefined) {
      return {
        ...base,
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `topic "${resource.name}" does not exist`,
        entries: [],
      };
    }
    entries = Object.entries(DEFAULT_TOPIC_CONFIGS).map(([name, value]) => ({
      name,
      value,
      source: SOURCE_DEFAULT,
    }));
    for (const [name, value] of topic.configs) {
      const existing = entries.find((e) => e.name === name);
      if (existing !== undefined) Object.assign(existing, { value, source: SOURCE_TOPIC });
      else entries.push({ name, value, source: SOURCE_TOPIC });
    }
  } else if (
    resource.type === BROKER &&
    (resource.name === '' || resource.name === String(NODE_ID))
  ) {
    entries = Object.entries(brokerConfigs(broker)).map(([name, value]) => ({
      name,
      value,
      source: SOURCE_STATIC_BROKER,
    }));
  } else {
    return {
      ...base,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: `resource type ${resource.type} "${resource.name}" is not a topic or this broker`,
      entries: [],
    };
  }
  if (resource.configNames !== null) {
    const wanted = new Set(resource.configNames);
    entries = entries.filter((e) => wanted.has(e.name));
  }
  return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, entries };
}

export const describeConfigsV1 = defineApi<
  { resources: Resource[]; includeSynonyms: boolean },
  ResourceResult[]
>({
  apiKey: ApiKey.DescribeConfigs,
  version: 1,
  name: 'DescribeConfigs',
  decode(reader) {
    const resources = reader.array(
      (r) => ({
        type: r.int8(),
        name: r.string(),
        configNames: r.nullableArray((c) => c.string(), 2),
      }),
      7,
    );
    return { resources, includeSynonyms: reader.boolean() };
  },
  handle: (request, { broker }) =>
    request.resources.map((resource) => ({
      ...describe(broker, resource),
      includeSynonyms: request.includeSynonyms,
    })),
  encode(writer, results) {
    writer.int32(0);
    writer.array(results, (w, r) => {
      w.int16(r.errorCode).nullableString(r.errorMessage).int8(r.type).string(r.name);
      w.array(r.entries, (ew, e) => {
        ew.string(e.name).nullableString(e.value).boolean(false).int8(e.source).boolean(false);
        // The only synonym of a value is itself: there is no dynamic or per-broker layering here.
        ew.array(r.includeSynonyms ? [e] : [], (sw, s) => {
          sw.string(s.name).nullableString(s.value).int8(s.source);
        });
      });
    });
  },
});
