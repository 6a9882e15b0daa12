import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * CreateTopics Request (Version: 2) => [create_topic_requests] timeout validate_only
 *   create_topic_requests => topic num_partitions replication_factor [replica_assignment] [config_entries]
 *     topic => STRING
 *     num_partitions => INT32            (-1: the broker default)
 *     replication_factor => INT16        (-1 or 1 on a single node)
 *     replica_assignment => partition [replicas]
 *       partition => INT32  replicas => INT32
 *     config_entries => config_name config_value
 *       config_name => STRING  config_value => NULLABLE_STRING
 *   timeout => INT32
 *   validate_only => BOOLEAN
 *
 * CreateTopics Response (Version: 2) => throttle_time_ms [topic_errors]
 *   throttle_time_ms => INT32
 *   topic_errors => topic error_code error_message
 *     topic => STRING  error_code => INT16  error_message => NULLABLE_STRING
 */
interface CreateTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  assignments: { partition: number; replicas: number[] }[];
  configs: { name: string; value: string | null }[];
}

interface CreateTopicsRequest {
  topics: CreateTopic[];
  validateOnly: boolean;
}

interface TopicResult {
  name: string;
  errorCode: number;
  errorMessage: string | null;
}

export const createTopicsV2 = defineApi<CreateTopicsRequest, TopicResult[]>({
  apiKey: ApiKey.CreateTopics,
  version: 2,
  name: 'CreateTopics',
  decode(reader) {
    const topics = reader.array(
      (r) => ({
        name: r.string(),
        partitions: r.int32(),
        replicationFactor: r.int16(),
        assignments: r.array(
          (a) => ({ partition: a.int32(), replicas: a.array((x) => x.int32(), 4) }),
          8,
        ),
        configs: r.array((c) => ({ name: c.string(), value: c.nullableString() }), 4),
      }),
      16,
    );
    reader.int32();
    return { topics, validateOnly: reader.boolean() };
  },
  handle(request, { broker }) {
    return request.topics.map((t) => {
      let partitions = t.partitions === -1 ? broker.options.defaultPartitions : t.partitions;
      if (t.assignments.length > 0) {
        if (t.partitions !== -1) {
          return {
            name: t.name,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: `topic "${t.name}": give num_partitions -1 with a replica assignment`,
          };
        }
        partitions = t.assignments.length;
      }
      const configs = new Map<string, string>();
      for (const c of t.configs) if (c.value !== null) configs.set(c.name, c.value);
      const bad = t.configs.find((c) => c.value === null);
      if (bad !== undefined) {
        return {
          name: t.name,
          errorCode: ErrorCode.INVALID_CONFIG,
          errorMessage: `topic "${t.name}": config ${bad.name} has a null value`,
        };
      }
      const outcome = broker.topics.create(
        t.name,
        partitions,
        t.replicationFactor,
        configs,
        request.validateOnly,
      );
      if (outcome.errorCode === ErrorCode.NONE && !request.validateOnly) {
        broker.options.logger('info', 'topic created', { topic: t.name, partitions });
      }
      return { name: t.name, errorCode: outcome.errorCode, errorMessage: outcome.errorMessage };
    });
  },
  encode(writer, results) {
    writer.int32(0);
    writer.array(results, (w, r) => {
      w.string(r.name).int16(r.errorCode).nullableString(r.errorMessage);
    });
  },
});
