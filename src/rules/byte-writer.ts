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

export class ByteWriter {
  private buffer: Buffer;
  private position = 0;

  constructor(initialSize = 4096) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  reset(): void {
    this.position = 0;
  }

  /** A copy of what was written since the last reset (the scratch buffer is reused). */
  finish(): Uint8Array {
    const out = Buffer.allocUnsafe(this.position);
    this.buffer.copy(out, 0, 0, this.position);
    return out;
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
