import { ApiKey } from '../shared.js';
import { defineApi } from '../api.js';

/**
 * DeleteTopics Request (Version: 1) => [topics] timeout
 *   topics => STRING
 *   timeout => INT32
 *
 * DeleteTopics Response (Version: 1) => throttle_time_ms [topic_error_codes]
 *   throttle_time_ms => INT32
 *   topic_error_codes => topic error_code
 *     topic => STRING  error_code => INT16
 */
export const deleteTopicsV1 = defineApi<string[], { name: string; errorCode: number }[]>({
  apiKey: ApiKey.DeleteTopics,
  version: 1,
  name: 'DeleteTopics',
  decode(reader) {
    const topics = reader.array((r) => r.string(), 2);
    reader.int32();
    return topics;
  },
  handle: (topics, { broker }) =>
    topics.map((name) => ({ name, errorCode: broker.topics.delete(name) })),
  encode(writer, results) {
    writer.int32(0);
    writer.array(results, (w, r) => {
      w.string(r.name).int16(r.errorCode);
    });
  },
});
