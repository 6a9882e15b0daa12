import { ValueTag } from './byte-writer.js';

const INTERN_SLOTS = 4096;
const INTERN_MAX_BYTES = 24;
const internStrings: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS);
const internLengths = new Uint8Array(INTERN_SLOTS);
const internBytes = Buffer.alloc(INTERN_SLOTS * INTERN_MAX_BYTES);

/** Thrown by ByteReader on bytes it cannot read; callers wrap it with what they were decoding. */
export class ByteLayoutError extends Error {}

/** Reads what ByteWriter wrote, checking every bound. */
export class ByteReader {
  readonly buffer: Buffer;
  private position: number;
  private readonly end: number;

  /** Reads `bytes` from `start` up to `end` (the whole of it by default). */
  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.buffer = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = start;
    this.end = end;
  }

  get done(): boolean {
    return this.position === this.end;
  }

  /** Where the next read starts, as an index into `buffer`. */
  get offset(): number {
    return this.position;
  }

  byte(): number {
    if (this.position >= this.end) throw new ByteLayoutError('unexpected end of bytes');
    return this.buffer[this.position++];
  }

  varint(): number {
    const buffer = this.buffer;
    const start = this.position;
    // One- and two-byte varints (small deltas, counts, lengths) are the common case.
    if (start + 1 < this.end) {
      const first = buffer[start];
      if (first < 0x80) {
        this.position = start + 1;
        return first;
      }
      const second = buffer[start + 1];
      if (second < 0x80) {
        this.position = start + 2;
        return (first & 0x7f) | (second << 7);
      }
    }
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 56) throw new ByteLayoutError('varint too long');
    }
  }

  number(): number {
    const tag = this.byte();
    switch (tag) {
      case ValueTag.UInt:
        return this.varint();
      case ValueTag.NegInt:
        return -this.varint();
      case ValueTag.Float:
        return this.float();
      case ValueTag.NegInfinity:
        return -Infinity;
      case ValueTag.PosInfinity:
        return Infinity;
      default:
        throw new ByteLayoutError(`expected a number, found tag ${tag}`);
    }
  }

  string(): string {
    const end = this.stringEnd();
    const text =
      end - this.position <= INTERN_MAX_BYTES
        ? this.shortString(this.position, end)
        : this.buffer.toString('utf8', this.position, end);
    this.position = end;
    return text;
  }

  /** A string unlikely to repeat (a customer id): not put in the intern table, where it would only evict. */
  uniqueString(): string {
    const end = this.stringEnd();
    const text = this.buffer.toString('utf8', this.position, end);
    this.position = end;
    return text;
  }

  /** Reads a string's length prefix; where its bytes end. */
  private stringEnd(): number {
    const end = this.varint() + this.position;
    if (end > this.end) throw new ByteLayoutError('string runs past the end');
    return end;
  }

  value(): unknown {
    const tag = this.byte();
    switch (tag) {
      case ValueTag.Null:
        return null;
      case ValueTag.False:
        return false;
      case ValueTag.True:
        return true;
      case ValueTag.UInt:
        return this.varint();
      case ValueTag.NegInt:
        return -this.varint();
      case ValueTag.Float:
        return this.float();
      case ValueTag.NegInfinity:
        return -Infinity;
      case ValueTag.PosInfinity:
        return Infinity;
      case ValueTag.String:
        return this.string();
      case ValueTag.Array: {
        const length = this.count();
        const items = new Array<unknown>(length);
        for (let i = 0; i < length; i++) items[i] = this.value();
        return items;
      }
      case ValueTag.Object: {
        const length = this.count();
        const record: Record<string, unknown> = {};
        for (let i = 0; i < length; i++) {
          const key = this.string();
          // defineProperty: a "__proto__" key from the outside stays a plain key.
          Object.defineProperty(record, key, {
            value: this.value(),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return record;
      }
      default:
        throw new ByteLayoutError(`unknown value tag ${tag}`);
    }
  }

  /** A length that must fit in what is left (each element takes at least one byte). */
  count(): number {
    const length = this.varint();
    if (length > this.end - this.position)
      throw new ByteLayoutError(`count ${length} exceeds the bytes left`);
    return length;
  }

  /**
   * Short strings through an intern table: names, ids and values (attribute names, segment ids,
   * cities, products) repeat across customers, so most decodes return a string already made
   * instead of allocating one.
   */
  private shortString(start: number, end: number): string {
    const buffer = this.buffer;
    const length = end - start;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buffer[i], 0x01000193);
    const slot = (hash >>> 0) & (INTERN_SLOTS - 1);
    const cached = internStrings[slot];
    if (cached !== undefined && internLengths[slot] === length) {
      const base = slot * INTERN_MAX_BYTES;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (internBytes[base + i] !== buffer[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    const text = buffer.toString('utf8', start, end);
    internStrings[slot] = text;
    internLengths[slot] = length;
    buffer.copy(internBytes, slot * INTERN_MAX_BYTES, start, end);
    return text;
  }

  private float(): number {
    if (this.position + 8 > this.end) throw new ByteLayoutError('float runs past the end');
    const value = this.buffer.readDoubleLE(this.position);
    this.position += 8;
    return value;
  }
}
