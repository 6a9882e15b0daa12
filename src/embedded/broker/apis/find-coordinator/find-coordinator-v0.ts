import { defineApi } from '../api.js';
import { NODE_ID } from '../shared.js';
import { findCoordinatorV1Definition } from './find-coordinator-v1.js';

/**
 * FindCoordinator Request (Version: 0) => group_id
 *   group_id => STRING
 *
 * FindCoordinator Response (Version: 0) => error_code coordinator
 *   error_code => INT16
 *   coordinator => node_id host port
 *     node_id => INT32  host => STRING  port => INT32
 *
 * librdkafka only enables its group consumer when the broker's range includes v0.
 */
export const findCoordinatorV0 = defineApi({
  ...findCoordinatorV1Definition,
  version: 0,
  decode: (reader) => ({ key: reader.string(), keyType: 0 }),
  encode(writer, response) {
    writer
      .int16(response.errorCode)
      .int32(response.errorCode === 0 ? NODE_ID : -1)
      .string(response.host)
      .int32(response.port);
  },
});
