import type { Socket } from 'node:net';
import type { Api, RequestContext } from '../apis/index.js';
import { supportedVersions, writeApiVersionsBody } from '../apis/index.js';
import type { BrokerState } from '../broker-state.js';
import { MalformedRequestError } from '../errors.js';
import { ApiKey, ErrorCode } from '../protocol/index.js';
import { Reader } from '../protocol/index.js';
import { Writer } from '../protocol/index.js';

interface Slot {
  correlationId: number;
  /** null until the handler finishes; an empty array when no response is due (acks=0). */
  chunks: Buffer[] | null;
}

/** Smallest request header: api_key, api_version, correlation_id, client_id length. */
const MIN_HEADER_BYTES = 10;

/**
 * One client connection: splits the byte stream into length-prefixed frames, decodes the request
 * header (v1: api_key api_version correlation_id client_id), dispatches, and writes responses
 * (header v0: correlation_id) strictly in request order, even when a Fetch long-polls while
 * later requests finish first. Anything it cannot decode closes the connection; it never throws.
 */
export class Connection {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private frameSize = -1;
  private readonly slots: Slot[] = [];
  private readonly context: RequestContext;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly broker: BrokerState,
    private readonly apis: ReadonlyMap<number, ReadonlyMap<number, Api>>,
  ) {
    this.context = { broker, clientId: null, clientHost: socket.remoteAddress ?? 'unknown' };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => {
      this.closed = true;
    });
  }

  private fail(reason: string, fields: Record<string, unknown> = {}): void {
    this.broker.options.logger('warn', `closing connection: ${reason}`, {
      client: this.context.clientHost,
      ...fields,
    });
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.closed) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) return;
        if (this.chunks[0].length < 4) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
        const size = this.chunks[0].readInt32BE(0);
        if (size < MIN_HEADER_BYTES || size > this.broker.options.maxRequestBytes) {
          this.fail(
            `request frame of ${size} bytes is outside ${MIN_HEADER_BYTES}..${this.broker.options.maxRequestBytes} (maxRequestBytes)`,
            { size },
          );
          return;
        }
        this.frameSize = size;
      }
      if (this.buffered < 4 + this.frameSize) return;
      const all =
        this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
      const frame = all.subarray(4, 4 + this.frameSize);
      const rest = all.subarray(4 + this.frameSize);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.frameSize = -1;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const reader = new Reader(frame);
    let apiKey: number;
    let apiVersion: number;
    let correlationId: number;
    try {
      apiKey = reader.int16();
      apiVersion = reader.int16();
      correlationId = reader.int32();
      this.context.clientId = reader.nullableString();
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      return;
    }
    const versions = this.apis.get(apiKey);
    if (versions === undefined) {
      this.fail(`unknown API key ${apiKey}`, { apiKey, apiVersion, correlationId });
      return;
    }
    const api = versions.get(apiVersion);
    if (api === undefined) {
      if (apiKey === ApiKey.ApiVersions) {
        // Kafka answers an ApiVersions it cannot parse with a v0 body and UNSUPPORTED_VERSION, so the
        // client can retry with a version from the list (librdkafka opens with a newer one).
        const writer = new Writer(256);
        writeApiVersionsBody(writer, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiVersions: supportedVersions(),
        });
        const slot: Slot = { correlationId, chunks: null };
        this.slots.push(slot);
        this.finish(slot, writer);
        return;
      }
      this.fail(
        `unsupported version ${apiVersion} of ${[...versions.values()][0].name} (API key ${apiKey}); ApiVersions lists the supported ones`,
        {
          apiKey,
          apiVersion,
          correlationId,
        },
      );
      return;
    }
    const slot: Slot = { correlationId, chunks: null };
    this.slots.push(slot);
    let result;
    try {
      result = api.process(reader, this.context);
    } catch (error) {
      this.onHandlerError(api, error);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (writer) => this.finish(slot, writer),
        (error: unknown) => this.onHandlerError(api, error),
      );
    } else {
      this.finish(slot, result);
    }
  }

  private onHandlerError(api: Api, error: unknown): void {
    const malformed = error instanceof MalformedRequestError;
    this.broker.options.logger(
      malformed ? 'warn' : 'error',
      `${api.name} v${api.version} failed; closing the connection`,
      {
        error: error instanceof Error ? error.message : String(error),
        stack: malformed ? undefined : error instanceof Error ? error.stack : undefined,
      },
    );
    this.close();
  }

  private finish(slot: Slot, writer: Writer | null): void {
    if (writer === null) {
      slot.chunks = [];
    } else {
      const header = Buffer.allocUnsafe(8);
      header.writeInt32BE(writer.length + 4, 0);
      header.writeInt32BE(slot.correlationId, 4);
      slot.chunks = [header, ...writer.toChunks()];
    }
    this.flush();
  }

  private flush(): void {
    if (this.closed) {
      this.slots.length = 0;
      return;
    }
    let written = 0;
    this.socket.cork();
    while (written < this.slots.length && this.slots[written].chunks !== null) {
      for (const chunk of this.slots[written].chunks!) this.socket.write(chunk);
      written++;
    }
    this.socket.uncork();
    if (written > 0) this.slots.splice(0, written);
  }
}
