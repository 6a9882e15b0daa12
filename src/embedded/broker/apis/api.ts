import type { BrokerState } from '../broker-state.js';
import type { Reader } from '../protocol/index.js';
import { Writer } from '../protocol/index.js';

export interface RequestContext {
  broker: BrokerState;
  clientId: string | null;
  clientHost: string;
}

/**
 * One wire version of one API: decode the request body, handle it, encode the response body.
 * `handle` returns null when the protocol says no response is sent (Produce with acks=0).
 */
export interface ApiDefinition<Req, Res> {
  apiKey: number;
  version: number;
  name: string;
  decode(reader: Reader): Req;
  handle(request: Req, context: RequestContext): Res | null | Promise<Res | null>;
  encode(writer: Writer, response: Res): void;
}

/** The type-erased form the connection dispatches to. */
export interface Api {
  apiKey: number;
  version: number;
  name: string;
  /** Throws MalformedRequestError when the body does not decode. */
  process(reader: Reader, context: RequestContext): Writer | null | Promise<Writer | null>;
}

export function defineApi<Req, Res>(definition: ApiDefinition<Req, Res>): Api {
  const encode = (response: Res | null): Writer | null => {
    if (response === null) return null;
    const writer = new Writer(512);
    definition.encode(writer, response);
    return writer;
  };
  return {
    apiKey: definition.apiKey,
    version: definition.version,
    name: definition.name,
    process(reader, context) {
      const request = definition.decode(reader);
      const response = definition.handle(request, context);
      if (response instanceof Promise) return response.then(encode);
      return encode(response);
    },
  };
}
