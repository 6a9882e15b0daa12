import { MalformedRequestError } from '../errors.js';

/**
 * Reads Kafka's primitive types from a request body. Every read is bounds-checked and a short
 * buffer throws MalformedRequestError, which the connection answers by closing: a truncated frame
 * must never crash the broker or be half-applied.
 */
export class Reader {
  offset: number;

  constructor(
    readonly buffer: Buffer,
    offset = 0,
    readonly end = buffer.length,
  ) {
    this.offset = offset;
  }

  remaining(): number {
    return this.end - this.offset;
  }

  private need(bytes: number, what: string): void {
    if (this.offset + bytes > this.end) {
      throw new MalformedRequestError(
        `truncated request: reading ${what} needs ${bytes} bytes at offset ${this.offset}, only ${this.end - this.offset} left`,
        { offset: this.offset, what },
      );
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buffer.readInt8(this.offset++);
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    this.need(4, 'int32');
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** Offsets, timestamps and producer ids fit a double for any log this broker will hold. */
  int64(): number {
    this.need(8, 'int64');
    const value = Number(this.buffer.readBigInt64BE(this.offset));
    this.offset += 8;
    return value;
  }

  string(): string {
    const value = this.nullableString();
    if (value === null)
      throw new MalformedRequestError(`null where a STRING is required at offset ${this.offset}`);
    return value;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    this.need(length, 'string');
    const value = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  bytes(): Buffer {
    const value = this.nullableBytes();
    return value ?? Buffer.alloc(0);
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    this.need(length, 'bytes');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  /** An array count, checked against the bytes left so a forged count cannot make us allocate. */
  arrayLength(minElementBytes = 1): number {
    const length = this.int32();
    if (length < -1 || length * minElementBytes > this.remaining()) {
      throw new MalformedRequestError(
        `array length ${length} does not fit the ${this.remaining()} bytes left`,
        {
          offset: this.offset,
        },
      );
    }
    return length;
  }

  array<T>(readElement: (reader: Reader) => T, minElementBytes = 1): T[] {
    const length = this.arrayLength(minElementBytes);
    const out: T[] = [];
    for (let i = 0; i < length; i++) out.push(readElement(this));
    return out;
  }

  nullableArray<T>(readElement: (reader: Reader) => T, minElementBytes = 1): T[] | null {
    const length = this.arrayLength(minElementBytes);
    if (length < 0) return null;
    const out: T[] = [];
    for (let i = 0; i < length; i++) out.push(readElement(this));
    return out;
  }

  /** Zig-zag varint (record fields). */
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      this.need(1, 'varint');
      const byte = this.buffer[this.offset++];
      if (shift < 28) result |= (byte & 0x7f) << shift;
      else result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
      if (shift > 63)
        throw new MalformedRequestError(`varint longer than 10 bytes at offset ${this.offset}`);
    }
    return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
  }

  skip(bytes: number): void {
    this.need(bytes, 'skipped bytes');
    this.offset += bytes;
  }
}
