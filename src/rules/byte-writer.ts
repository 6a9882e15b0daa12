/**
 * An append-only writer over one growing scratch buffer, reused for every value it encodes, so the
 * hot path allocates only the final copy. Numbers are tagged: non-negative safe integers (epoch ms,
 * counts, deltas) take a varint, anything else a float64.
 */
export const ValueTag = {
  Null: 0,
  False: 1,
  True: 2,
  UInt: 3,
  NegInt: 4,
  Float: 5,
  String: 6,
  Array: 7,
  Object: 8,
  NegInfinity: 9,
  PosInfinity: 10,
} as const;

const TWO_POW_7 = 128;

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= TWO_POW_7; rest = Math.floor(rest / TWO_POW_7)) size++;
  return size;
}

export class ByteWriter {
  private buffer: Buffer;
  private position = 0;
  private room = 0;

  constructor(initialSize = 4096) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  /** Starts a value; `room` bytes are kept free before it for `finishWithPrefix`. */
  reset(room = 0): void {
    this.position = room;
    this.room = room;
  }

  /** Bytes written since the last reset. */
  get offset(): number {
    return this.position - this.room;
  }

  /** A copy of what was written since the last reset (the scratch buffer is reused). */
  finish(): Uint8Array {
    const out = Buffer.allocUnsafe(this.position - this.room);
    this.buffer.copy(out, 0, this.room, this.position);
    return out;
  }

  /**
   * A copy of `first` and the varints `lengths`, then what was written since the last reset: the
   * prefix goes into the room reset() kept, so a header that depends on the body costs no move.
   */
  finishWithPrefix(first: number, lengths: ArrayLike<number>): Uint8Array {
    let size = 1;
    for (let i = 0; i < lengths.length; i++) size += varintSize(lengths[i]);
    if (size > this.room) throw new RangeError(`a ${size}-byte prefix exceeds the room kept`);
    const end = this.position;
    const start = this.room - size;
    this.position = start;
    this.buffer[this.position++] = first;
    for (let i = 0; i < lengths.length; i++) this.varint(lengths[i]);
    const out = Buffer.allocUnsafe(end - start);
    this.buffer.copy(out, 0, start, end);
    this.position = end;
    return out;
  }

  /** Appends bytes as they are (a part of an earlier encode that did not change). */
  raw(bytes: Buffer, start: number, end: number): void {
    const length = end - start;
    this.ensure(length);
    bytes.copy(this.buffer, this.position, start, end);
    this.position += length;
  }

  byte(value: number): void {
    this.ensure(1);
    this.buffer[this.position++] = value;
  }

  /** Unsigned LEB128 of a non-negative safe integer (beyond 2^31 by arithmetic, not bit operators). */
  varint(value: number): void {
    this.ensure(8);
    const buffer = this.buffer;
    let rest = value;
    if (rest <= 0x7fffffff) {
      while (rest > 0x7f) {
        buffer[this.position++] = (rest & 0x7f) | 0x80;
        rest >>>= 7;
      }
      buffer[this.position++] = rest;
      return;
    }
    while (rest >= TWO_POW_7) {
      buffer[this.position++] = (rest % TWO_POW_7) | 0x80;
      rest = Math.floor(rest / TWO_POW_7);
    }
    buffer[this.position++] = rest;
  }

  number(value: number): void {
    if (Number.isSafeInteger(value)) {
      if (value >= 0) {
        this.byte(ValueTag.UInt);
        this.varint(value);
      } else {
        this.byte(ValueTag.NegInt);
        this.varint(-value);
      }
    } else if (value === -Infinity) {
      this.byte(ValueTag.NegInfinity);
    } else if (value === Infinity) {
      this.byte(ValueTag.PosInfinity);
    } else {
      this.ensure(9);
      this.buffer[this.position++] = ValueTag.Float;
      this.buffer.writeDoubleLE(value, this.position);
      this.position += 8;
    }
  }

  /** UTF-8 with a varint byte-length prefix. */
  string(value: string): void {
    const length = value.length;
    // Up to 42 UTF-16 units need at most 126 bytes: a one-byte prefix, patched after writing.
    if (length <= 42) {
      this.ensure(1 + length * 3);
      const buffer = this.buffer;
      const start = this.position + 1;
      // Ids and names are nearly always ASCII: a plain loop beats a call into the UTF-8 encoder.
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        buffer[start + i] = code;
      }
      const written = i === length ? length : buffer.write(value, start);
      buffer[this.position] = written;
      this.position = start + written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.position += this.buffer.write(value, this.position);
  }

  /** Any JSON value (plus ±Infinity), tagged. */
  value(value: unknown): void {
    if (value === null || value === undefined) return this.byte(ValueTag.Null);
    switch (typeof value) {
      case 'boolean':
        return this.byte(value ? ValueTag.True : ValueTag.False);
      case 'number':
        return this.number(value);
      case 'string':
        this.byte(ValueTag.String);
        return this.string(value);
      case 'object': {
        if (Array.isArray(value)) {
          this.byte(ValueTag.Array);
          this.varint(value.length);
          for (const item of value) this.value(item);
          return;
        }
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record);
        this.byte(ValueTag.Object);
        this.varint(keys.length);
        for (const key of keys) {
          this.string(key);
          this.value(record[key]);
        }
        return;
      }
      default:
        // Functions, symbols and bigints never come from JSON input; JSON would drop them too.
        return this.byte(ValueTag.Null);
    }
  }

  private ensure(more: number): void {
    if (this.position + more <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.position + more) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }
}
