import { defineApi } from '../api.js';
import { heartbeatV1Definition } from './heartbeat-v1.js';

/**
 * Heartbeat Request (Version: 0) => group_id generation_id member_id
 *   group_id => STRING  generation_id => INT32  member_id => STRING
 *
 * Heartbeat Response (Version: 0) => error_code
 *   error_code => INT16
 */
export const heartbeatV0 = defineApi({
  ...heartbeatV1Definition,
  version: 0,
  encode(writer, errorCode) {
    writer.int16(errorCode);
  },
});
