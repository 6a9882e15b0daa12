/**
 * Record batch v2 (magic 2), the only message format this broker stores or serves.
 *
 * RecordBatch =>
 *   baseOffset: int64
 *   batchLength: int32          (bytes after this field)
 *   partitionLeaderEpoch: int32
 *   magic: int8                 (2)
 *   crc: uint32                 (CRC-32C of attributes .. end)
 *   attributes: int16           (bits 0-2 compression, 3 timestampType, 4 isTransactional, 5 isControl)
 *   lastOffsetDelta: int32
 *   firstTimestamp: int64
 *   maxTimestamp: int64
 *   producerId: int64
 *   producerEpoch: int16
 *   baseSequence: int32
 *   records: [Record]           (int32 count)
 *
 * Record =>
 *   length: varint
 *   attributes: int8
 *   timestampDelta: varlong
 *   offsetDelta: varint
 *   keyLength: varint  key: byte[]
 *   valueLength: varint  value: byte[]
 *   headers: varint count, each [headerKeyLength: varint, headerKey: string, headerValueLength: varint, value: byte[]]
 *
 * Because the CRC starts at `attributes`, the broker can rewrite baseOffset (and leave the rest of
 * the batch untouched, compressed or not) when it assigns offsets.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CorruptRecordBatchError } from '../errors.js';
import { crc32c } from './crc32c.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export const BATCH_HEADER_BYTES = 61;
const CRC_START = 21;

export const Compression = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export interface BatchHeader {
  baseOffset: number;
  /** Total bytes of the batch including baseOffset and batchLength. */
  size: number;
  magic: number;
  attributes: number;
  compression: number;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readBatchHeader(data: Buffer, at = 0): BatchHeader {
  const attributes = data.readInt16BE(at + 21);
  return {
    baseOffset: Number(data.readBigInt64BE(at)),
    size: data.readInt32BE(at + 8) + 12,
    magic: data.readInt8(at + 16),
    attributes,
    compression: attributes & 0x07,
    isTransactional: (attributes & 0x10) !== 0,
    isControl: (attributes & 0x20) !== 0,
    lastOffsetDelta: data.readInt32BE(at + 23),
    firstTimestamp: Number(data.readBigInt64BE(at + 27)),
    maxTimestamp: Number(data.readBigInt64BE(at + 35)),
    producerId: Number(data.readBigInt64BE(at + 43)),
    producerEpoch: data.readInt16BE(at + 51),
    baseSequence: data.readInt32BE(at + 53),
    recordCount: data.readInt32BE(at + 57),
  };
}

export interface ParsedBatch {
  header: BatchHeader;
  /** The batch's bytes (a view into the request; copy before storing). */
  data: Buffer;
}

/**
 * Splits a produced RECORDS field into batches and validates each (magic, length, CRC, record
 * count). Throws CorruptRecordBatchError, which Produce answers with CORRUPT_MESSAGE or
 * UNSUPPORTED_FOR_MESSAGE_FORMAT.
 */
export function splitRecordSet(records: Buffer, place: string): ParsedBatch[] {
  const out: ParsedBatch[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH_HEADER_BYTES) {
      throw new CorruptRecordBatchError(
        `record set for ${place} ends with ${records.length - at} bytes, shorter than a batch header`,
        { place },
      );
    }
    const magic = records.readInt8(at + 16);
    if (magic !== 2) {
      throw new CorruptRecordBatchError(
        `record batch for ${place} has magic ${magic}; only v2 batches (magic 2) are accepted`,
        {
          place,
          magic,
        },
      );
    }
    const header = readBatchHeader(records, at);
    if (header.size < BATCH_HEADER_BYTES || at + header.size > records.length) {
      throw new CorruptRecordBatchError(
        `record batch for ${place} declares ${header.size} bytes, ${records.length - at} present`,
        {
          place,
        },
      );
    }
    const expected = records.readUInt32BE(at + 17);
    const actual = crc32c(records, at + CRC_START, at + header.size);
    if (expected !== actual) {
      throw new CorruptRecordBatchError(
        `record batch for ${place} fails its CRC-32C check (${expected} != ${actual})`,
        { place },
      );
    }
    if (header.recordCount < 0 || header.lastOffsetDelta < header.recordCount - 1) {
      throw new CorruptRecordBatchError(
        `record batch for ${place} has ${header.recordCount} records but lastOffsetDelta ${header.lastOffsetDelta}`,
        { place },
      );
    }
    out.push({ header, data: records.subarray(at, at + header.size) });
    at += header.size;
  }
  return out;
}

export function setBaseOffset(batch: Buffer, baseOffset: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** The records section of a batch, decompressed; null when the codec is not one we can read. */
function recordsSection(batch: Buffer, header: BatchHeader): Buffer | null {
  const section = batch.subarray(BATCH_HEADER_BYTES, header.size);
  if (header.compression === Compression.none) return section;
  if (header.compression === Compression.gzip) return gunzipSync(section);
  return null;
}

/**
 * Decodes every record of a stored batch (none and gzip). Used off the hot path: timestamp
 * look-ups, tests and tooling. Returns null for codecs the broker stores but cannot read.
 */
export function decodeRecords(batch: Buffer): DecodedRecord[] | null {
  const header = readBatchHeader(batch);
  const section = recordsSection(batch, header);
  if (section === null) return null;
  const reader = new Reader(section);
  const out: DecodedRecord[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = reader.varint();
    const end = reader.offset + length;
    reader.int8();
    const timestamp = header.firstTimestamp + reader.varint();
    const offset = header.baseOffset + reader.varint();
    const keyLength = reader.varint();
    const key =
      keyLength < 0
        ? null
        : Buffer.from(section.subarray(reader.offset, reader.offset + keyLength));
    if (keyLength > 0) reader.skip(keyLength);
    const valueLength = reader.varint();
    const value =
      valueLength < 0
        ? null
        : Buffer.from(section.subarray(reader.offset, reader.offset + valueLength));
    if (valueLength > 0) reader.skip(valueLength);
    const headerCount = reader.varint();
    const headers: RecordHeader[] = [];
    for (let h = 0; h < headerCount; h++) {
      const hk = reader.varint();
      const hkey = section.toString('utf8', reader.offset, reader.offset + hk);
      reader.skip(hk);
      const hv = reader.varint();
      const hvalue =
        hv < 0 ? null : Buffer.from(section.subarray(reader.offset, reader.offset + hv));
      if (hv > 0) reader.skip(hv);
      headers.push({ key: hkey, value: hvalue });
    }
    reader.offset = end;
    out.push({ offset, timestamp, key, value, headers });
  }
  return out;
}

export interface NewRecord {
  key?: Buffer | null;
  value: Buffer | null;
  timestamp?: number;
  headers?: RecordHeader[];
}

export interface EncodeBatchOptions {
  baseOffset?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  compression?: number;
  now?: number;
}

/** Builds a v2 batch (control markers, tests, tools). */
export function encodeRecordBatch(
  records: readonly NewRecord[],
  options: EncodeBatchOptions = {},
): Buffer {
  const now = options.now ?? Date.now();
  const firstTimestamp = records.length > 0 ? (records[0].timestamp ?? now) : now;
  let maxTimestamp = firstTimestamp;
  const body = new Writer(256);
  records.forEach((record, index) => {
    const timestamp = record.timestamp ?? now;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const inner = new Writer(64);
    inner
      .int8(0)
      .varint(timestamp - firstTimestamp)
      .varint(index);
    if (record.key == null) inner.varint(-1);
    else inner.varint(record.key.length).raw(record.key);
    if (record.value == null) inner.varint(-1);
    else inner.varint(record.value.length).raw(record.value);
    const headers = record.headers ?? [];
    inner.varint(headers.length);
    for (const h of headers) {
      const key = Buffer.from(h.key);
      inner.varint(key.length).raw(key);
      if (h.value == null) inner.varint(-1);
      else inner.varint(h.value.length).raw(h.value);
    }
    const encoded = inner.toBuffer();
    body.varint(encoded.length).raw(encoded);
  });
  let section = body.toBuffer();
  const compression = options.compression ?? Compression.none;
  if (compression === Compression.gzip) section = gzipSync(section);
  const attributes =
    compression | (options.transactional ? 0x10 : 0) | (options.control ? 0x20 : 0);
  const out = Buffer.alloc(BATCH_HEADER_BYTES + section.length);
  out.writeBigInt64BE(BigInt(options.baseOffset ?? 0), 0);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(0, 12);
  out.writeInt8(2, 16);
  out.writeInt16BE(attributes, 21);
  out.writeInt32BE(Math.max(records.length - 1, 0), 23);
  out.writeBigInt64BE(BigInt(firstTimestamp), 27);
  out.writeBigInt64BE(BigInt(maxTimestamp), 35);
  out.writeBigInt64BE(BigInt(options.producerId ?? -1), 43);
  out.writeInt16BE(options.producerEpoch ?? -1, 51);
  out.writeInt32BE(options.baseSequence ?? -1, 53);
  out.writeInt32BE(records.length, 57);
  section.copy(out, BATCH_HEADER_BYTES);
  out.writeUInt32BE(crc32c(out, CRC_START), 17);
  return out;
}

/**
 * A transaction marker: a control batch with one record whose key is (version 0, type) and whose
 * value is (version 0, coordinatorEpoch). kafkajs recognises an abort by the key bytes 00 00 00 00.
 */
export function encodeControlBatch(
  producerId: number,
  producerEpoch: number,
  commit: boolean,
  timestamp: number,
  coordinatorEpoch = 0,
): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return encodeRecordBatch([{ key, value, timestamp }], {
    producerId,
    producerEpoch,
    baseSequence: -1,
    transactional: true,
    control: true,
    now: timestamp,
  });
}
