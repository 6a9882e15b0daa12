/**
 * CRC-32C (Castagnoli), the checksum of v2 record batches. Slicing-by-4 tables: the broker checks
 * every produced batch, so this is on the produce hot path.
 */
const POLYNOMIAL = 0x82f63b78;
const TABLES: Uint32Array[] = [
  new Uint32Array(256),
  new Uint32Array(256),
  new Uint32Array(256),
  new Uint32Array(256),
];

for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
  TABLES[0][n] = c >>> 0;
}
for (let n = 0; n < 256; n++) {
  let c = TABLES[0][n];
  for (let t = 1; t < 4; t++) {
    c = TABLES[0][c & 0xff] ^ (c >>> 8);
    TABLES[t][n] = c >>> 0;
  }
}

const [T0, T1, T2, T3] = TABLES;

export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0xffffffff;
  let i = start;
  const stop4 = end - ((end - start) & 3);
  while (i < stop4) {
    crc ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    crc = T3[crc & 0xff] ^ T2[(crc >>> 8) & 0xff] ^ T1[(crc >>> 16) & 0xff] ^ T0[crc >>> 24];
    i += 4;
  }
  while (i < end) crc = T0[(crc ^ data[i++]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
