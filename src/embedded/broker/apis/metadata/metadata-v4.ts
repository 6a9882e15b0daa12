import { CLUSTER_ID, NODE_ID } from '../shared.js';
import { topicNameProblem } from '../shared.js';
import { ApiKey, ErrorCode } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * Metadata Request (Version: 4) => [topics] allow_auto_topic_creation
 *   topics => STRING                      (null array: all topics)
 *   allow_auto_topic_creation => BOOLEAN
 *
 * Metadata Response (Version: 4) => throttle_time_ms [brokers] cluster_id controller_id [topic_metadata]
 *   throttle_time_ms => INT32
 *   brokers => node_id host port rack
 *     node_id => INT32  host => STRING  port => INT32  rack => NULLABLE_STRING
 *   cluster_id => NULLABLE_STRING
 *   controller_id => INT32
 *   topic_metadata => error_code topic is_internal [partition_metadata]
 *     error_code => INT16  topic => STRING  is_internal => BOOLEAN
 *     partition_metadata => error_code partition leader [replicas] [isr]
 *       error_code => INT16  partition => INT32  leader => INT32  replicas => INT32  isr => INT32
 */
interface MetadataRequest {
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

interface TopicMetadata {
  errorCode: number;
  name: string;
  partitions: number;
}

interface MetadataResponse {
  host: string;
  port: number;
  topics: TopicMetadata[];
}

export const metadataV4 = defineApi<MetadataRequest, MetadataResponse>({
  apiKey: ApiKey.Metadata,
  version: 4,
  name: 'Metadata',
  decode: (reader) => ({
    topics: reader.nullableArray((r) => r.string(), 2),
    allowAutoTopicCreation: reader.boolean(),
  }),
  handle(request, { broker }) {
    const topics: TopicMetadata[] = [];
    if (request.topics === null) {
      for (const topic of broker.topics.topics.values()) {
        topics.push({
          errorCode: ErrorCode.NONE,
          name: topic.name,
          partitions: topic.partitions.length,
        });
      }
    } else {
      for (const name of request.topics) {
        if (topicNameProblem(name) !== null) {
          topics.push({ errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, name, partitions: 0 });
          continue;
        }
        const { topic, errorCode } = broker.topicFor(name, request.allowAutoTopicCreation);
        topics.push({ errorCode, name, partitions: topic?.partitions.length ?? 0 });
      }
    }
    return { host: broker.host, port: broker.port, topics };
  },
  encode(writer, response) {
    writer.int32(0);
    writer.int32(1).int32(NODE_ID).string(response.host).int32(response.port).nullableString(null);
    writer.nullableString(CLUSTER_ID).int32(NODE_ID);
    writer.array(response.topics, (w, topic) => {
      w.int16(topic.errorCode).string(topic.name).boolean(false);
      w.int32(topic.partitions);
      for (let p = 0; p < topic.partitions; p++) {
        w.int16(ErrorCode.NONE)
          .int32(p)
          .int32(NODE_ID)
          .int32(1)
          .int32(NODE_ID)
          .int32(1)
          .int32(NODE_ID);
      }
    });
  },
});
