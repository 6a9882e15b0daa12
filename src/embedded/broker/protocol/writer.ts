/**
 * Writes Kafka's primitive types. Large payloads (stored record batches) are appended by
 * reference rather than copied, so a Fetch response is a list of chunks written with one writev.
 */
export class Writer {
  private buffer: Buffer;
  private position = 0;
  private readonly chunks: Buffer[] = [];
  private flushedBytes = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.flushedBytes + this.position;
  }

  private ensure(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.position + bytes));
    this.buffer.copy(next, 0, 0, this.position);
    this.buffer = next;
  }

  int8(value: number): this {
    this.ensure(1);
    this.buffer.writeInt8(value, this.position);
    this.position += 1;
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    this.ensure(2);
    this.buffer.writeInt16BE(value, this.position);
    this.position += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.buffer.writeInt32BE(value, this.position);
    this.position += 4;
    return this;
  }

  int64(value: number | bigint): this {
    this.ensure(8);
    this.buffer.writeBigInt64BE(BigInt(value), this.position);
    this.position += 8;
    return this;
  }

  string(value: string): this {
    const length = Buffer.byteLength(value);
    this.int16(length);
    this.ensure(length);
    this.buffer.write(value, this.position, 'utf8');
    this.position += length;
    return this;
  }

  nullableString(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.int16(-1);
    return this.string(value);
  }

  bytes(value: Buffer | null | undefined): this {
    if (value === null || value === undefined) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  /** Copies small buffers; appends large ones by reference. */
  raw(value: Buffer): this {
    if (value.length < 4096) {
      this.ensure(value.length);
      value.copy(this.buffer, this.position);
      this.position += value.length;
      return this;
    }
    this.chunks.push(this.buffer.subarray(0, this.position));
    this.flushedBytes += this.position;
    this.buffer = Buffer.allocUnsafe(256);
    this.position = 0;
    this.chunks.push(value);
    this.flushedBytes += value.length;
    return this;
  }

  array<T>(items: readonly T[], writeElement: (writer: Writer, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeElement(this, item);
    return this;
  }

  /** Zig-zag varint (record fields). */
  varint(value: number): this {
    let zigzag = value >= 0 ? value * 2 : -value * 2 - 1;
    this.ensure(10);
    while (zigzag >= 0x80) {
      this.buffer[this.position++] = (zigzag % 0x80) | 0x80;
      zigzag = Math.floor(zigzag / 0x80);
    }
    this.buffer[this.position++] = zigzag;
    return this;
  }

  /** The finished message as chunks (in order) whose lengths sum to `length`. */
  toChunks(): Buffer[] {
    if (this.position > 0) return [...this.chunks, this.buffer.subarray(0, this.position)];
    return this.chunks.slice();
  }

  toBuffer(): Buffer {
    const chunks = this.toChunks();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }
}
