import type { Serde } from '../state/index.js';
import { ByteLayoutError, ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import {
  CustomerState,
  STATE_SECTIONS,
  StateSection,
  type ClaimState,
  type ClaimStatus,
  type PendingFiring,
  type PolicyState,
  type SectionSource,
} from './customer-state.js';
import { CustomerStateDecodeError } from './errors.js';
import { decodeJsonLayout } from './state-serde-v1.js';
import type { AttrValue, JsonValue } from './types.js';

/*
 * Binary layout, first byte 0xC4 (every state is read and rewritten on every event it sees, so this is
 * on the hot path: one pass, no intermediate objects, one allocation for the result):
 *   0xC4 length*8 customerId evaluatedAt wake
 *   attrs      n (name value)*
 *   tags       n tag*
 *   policies   n (id product startDate endDate premium status:byte n (name value)*)*
 *   claims     n (id status:byte statusTs amount|null)*
 *   behaviour  n (action times)*   times: n [flag firstTs delta*]; flag 0: bare varint deltas
 *   segments   n id*
 *   pending    n (trigger due onAt event)*         in firing order
 *   firings    n (trigger times)*
 * The lengths are the byte lengths of the eight sections, so a decode can leave each section
 * undecoded until it is used and an encode can copy the bytes of one never used
 * (customer-state.ts); that they add up to the bytes read catches a truncated state at once. n is a varint count, strings are length-prefixed
 * UTF-8, numbers and values are tagged (byte-writer.ts). Maps and sets are written in their
 * iteration order, which a decode restores: a restored state iterates exactly as the live one did.
 *
 * Also read, eagerly: 0xC3, the same without the lengths, and bytes starting with '[', the first,
 * JSON layout (state-serde-v1.ts).
 */
const MAGIC = 0xc4;
const WITHOUT_LENGTHS = 0xc3;
const JSON_LAYOUT = 0x5b;
/** The magic byte and eight varint lengths of at most 8 bytes each. */
const PREFIX_ROOM = 1 + STATE_SECTIONS * 8;
/** Section names for errors, in StateSection order. */
const SECTION_NAMES = Object.keys(StateSection).map((name) => name.toLowerCase());
const CLAIM_STATUSES: readonly ClaimStatus[] = ['reported', 'assessed', 'settled', 'rejected'];
const CLAIM_STATUS_CODES = new Map(CLAIM_STATUSES.map((status, code) => [status, code]));

const writer = new ByteWriter();
/** The section lengths of the encode in progress. */
const lengths = new Array<number>(STATE_SECTIONS).fill(0);

/** Ascending integer times: the first as a number, then bare varint deltas (flag 0); else tagged numbers (flag 1). */
function writeTimes(times: readonly number[]): void {
  const length = times.length;
  writer.varint(length);
  if (length === 0) return;
  let plain = Number.isSafeInteger(times[0]);
  for (let i = 1; plain && i < length; i++) {
    const delta = times[i] - times[i - 1];
    plain = delta >= 0 && Number.isSafeInteger(delta);
  }
  writer.byte(plain ? 0 : 1);
  writer.number(times[0]);
  for (let i = 1; i < length; i++) {
    if (plain) writer.varint(times[i] - times[i - 1]);
    else writer.number(times[i] - times[i - 1]);
  }
}

function readTimes(reader: ByteReader): number[] {
  const length = reader.count();
  const times = new Array<number>(length);
  if (length === 0) return times;
  const plain = reader.byte() === 0;
  let last = reader.number();
  times[0] = last;
  for (let i = 1; i < length; i++) {
    last += plain ? reader.varint() : reader.number();
    times[i] = last;
  }
  return times;
}

function writeMap(map: ReadonlyMap<string, unknown>): void {
  writer.varint(map.size);
  for (const [name, value] of map) {
    writer.string(name);
    writer.value(value);
  }
}

function readMap<V>(reader: ByteReader): Map<string, V> {
  const map = new Map<string, V>();
  for (let n = reader.count(); n > 0; n--) map.set(reader.string(), reader.value() as V);
  return map;
}

function writeSet(set: ReadonlySet<string>): void {
  writer.varint(set.size);
  for (const item of set) writer.string(item);
}

function readSet(reader: ByteReader): Set<string> {
  const set = new Set<string>();
  for (let n = reader.count(); n > 0; n--) set.add(reader.string());
  return set;
}

function writeTimesMap(map: ReadonlyMap<string, readonly number[]>): void {
  writer.varint(map.size);
  for (const [name, times] of map) {
    writer.string(name);
    writeTimes(times);
  }
}

function readTimesMap(reader: ByteReader): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (let n = reader.count(); n > 0; n--) map.set(reader.string(), readTimes(reader));
  return map;
}

function writePolicies(policies: ReadonlyMap<string, PolicyState>): void {
  writer.varint(policies.size);
  for (const [id, policy] of policies) {
    writer.string(id);
    writer.string(policy.product);
    writer.number(policy.startDate);
    writer.number(policy.endDate);
    writer.number(policy.premium);
    writer.byte(policy.status === 'active' ? 0 : 1);
    writeMap(policy.attrs);
  }
}

function readPolicies(reader: ByteReader): Map<string, PolicyState> {
  const policies = new Map<string, PolicyState>();
  for (let n = reader.count(); n > 0; n--) {
    const id = reader.uniqueString();
    const product = reader.string();
    const startDate = reader.number();
    const endDate = reader.number();
    const premium = reader.number();
    const status = reader.byte() === 0 ? 'active' : 'cancelled';
    const attrs = readMap<JsonValue>(reader);
    policies.set(id, { product, startDate, endDate, premium, attrs, status });
  }
  return policies;
}

function writeClaims(claims: ReadonlyMap<string, ClaimState>): void {
  writer.varint(claims.size);
  for (const [id, claim] of claims) {
    writer.string(id);
    writer.byte(CLAIM_STATUS_CODES.get(claim.status) ?? 0);
    writer.number(claim.statusTs);
    writer.value(claim.amount ?? null);
  }
}

function readClaims(reader: ByteReader): Map<string, ClaimState> {
  const claims = new Map<string, ClaimState>();
  for (let n = reader.count(); n > 0; n--) {
    const id = reader.uniqueString();
    const status = CLAIM_STATUSES[reader.byte()];
    if (status === undefined) throw new ByteLayoutError('unknown claim status code');
    const statusTs = reader.number();
    const amount = reader.value();
    claims.set(
      id,
      typeof amount === 'number' ? { status, statusTs, amount } : { status, statusTs },
    );
  }
  return claims;
}

function writePending(pending: readonly PendingFiring[]): void {
  writer.varint(pending.length);
  for (const firing of pending) {
    writer.string(firing.trigger);
    writer.number(firing.due);
    writer.number(firing.onAt);
    writer.value(firing.event);
  }
}

function readPending(reader: ByteReader): PendingFiring[] {
  const pending: PendingFiring[] = [];
  for (let n = reader.count(); n > 0; n--) {
    const trigger = reader.string();
    const due = reader.number();
    const onAt = reader.number();
    pending.push({ trigger, due, onAt, event: reader.value() as object });
  }
  return pending;
}

function writeSection(state: CustomerState, section: StateSection): void {
  switch (section) {
    case StateSection.Attrs:
      return writeMap(state.attrs);
    case StateSection.Tags:
      return writeSet(state.tags);
    case StateSection.Policies:
      return writePolicies(state.policies);
    case StateSection.Claims:
      return writeClaims(state.claims);
    case StateSection.Behaviour:
      return writeTimesMap(state.behaviour);
    case StateSection.Segments:
      return writeSet(state.segments);
    case StateSection.Pending:
      return writePending(state.pending);
    default:
      return writeTimesMap(state.firings);
  }
}

function readSection(reader: ByteReader, section: StateSection): unknown {
  switch (section) {
    case StateSection.Attrs:
      return readMap<AttrValue>(reader);
    case StateSection.Tags:
      return readSet(reader);
    case StateSection.Policies:
      return readPolicies(reader);
    case StateSection.Claims:
      return readClaims(reader);
    case StateSection.Behaviour:
      return readTimesMap(reader);
    case StateSection.Segments:
      return readSet(reader);
    case StateSection.Pending:
      return readPending(reader);
    default:
      return readTimesMap(reader);
  }
}

/** The sections of one state's bytes, decoded one at a time as the state asks for them. */
class SectionBytes implements SectionSource {
  constructor(
    private readonly customerId: string,
    private readonly bytes: Buffer,
    /** Where each section starts, and (last) where the firings end. */
    private readonly starts: readonly number[],
  ) {}

  decode(section: StateSection): unknown {
    const reader = new ByteReader(this.bytes, this.starts[section], this.starts[section + 1]);
    try {
      const value = readSection(reader, section);
      if (!reader.done) throw new ByteLayoutError('bytes left after the section');
      return value;
    } catch (error) {
      if (!(error instanceof ByteLayoutError)) throw error;
      throw new CustomerStateDecodeError(
        `the ${SECTION_NAMES[section]} of customer ${JSON.stringify(this.customerId)} do not follow the binary layout (${error.message})`,
        error,
      );
    }
  }

  /** Copies sections `from` to `to` (both included) as they are. */
  copyTo(from: StateSection, to: StateSection): void {
    writer.raw(this.bytes, this.starts[from], this.starts[to + 1]);
  }

  lengthOf(section: StateSection): number {
    return this.starts[section + 1] - this.starts[section];
  }
}

function encode(state: CustomerState): Uint8Array {
  writer.reset(PREFIX_ROOM);
  writer.string(state.customerId);
  writer.number(state.evaluatedAt);
  writer.number(state.wake);
  // Unchanged sections next to each other are copied in one run.
  let run: SectionBytes | null = null;
  let runFrom = 0 as StateSection;
  for (let section = 0 as StateSection; section < STATE_SECTIONS; section++) {
    const source = state.unchanged(section);
    if (source instanceof SectionBytes) {
      if (run === null) {
        run = source;
        runFrom = section;
      }
      lengths[section] = source.lengthOf(section);
      continue;
    }
    if (run !== null) {
      run.copyTo(runFrom, (section - 1) as StateSection);
      run = null;
    }
    const start = writer.offset;
    writeSection(state, section);
    lengths[section] = writer.offset - start;
  }
  if (run !== null) run.copyTo(runFrom, (STATE_SECTIONS - 1) as StateSection);
  return writer.finishWithPrefix(MAGIC, lengths);
}

/** Reads the header and leaves every section to be decoded when the state first uses it. */
function decode(bytes: Uint8Array): CustomerState {
  const reader = new ByteReader(bytes);
  reader.byte();
  const starts = new Array<number>(STATE_SECTIONS + 1);
  for (let section = 1; section <= STATE_SECTIONS; section++) starts[section] = reader.varint();
  const customerId = reader.uniqueString();
  const evaluatedAt = reader.number();
  const wake = reader.number();
  let at = reader.offset;
  starts[0] = at;
  for (let section = 1; section <= STATE_SECTIONS; section++) {
    at += starts[section];
    starts[section] = at;
  }
  if (at !== reader.buffer.length)
    throw new ByteLayoutError(
      `the section lengths add up to ${at} bytes, the state has ${reader.buffer.length}`,
    );
  const state = new CustomerState(customerId, new SectionBytes(customerId, reader.buffer, starts));
  state.evaluatedAt = evaluatedAt;
  state.wake = wake;
  return state;
}

/** Reads the 0xC3 layout (no section lengths), all at once. */
function decodeWithoutLengths(bytes: Uint8Array): CustomerState {
  const reader = new ByteReader(bytes);
  reader.byte();
  const state = new CustomerState(reader.uniqueString());
  state.evaluatedAt = reader.number();
  state.wake = reader.number();
  state.attrs = readMap<AttrValue>(reader);
  state.tags = readSet(reader);
  state.policies = readPolicies(reader);
  state.claims = readClaims(reader);
  state.behaviour = readTimesMap(reader);
  state.segments = readSet(reader);
  state.pending = readPending(reader);
  state.firings = readTimesMap(reader);
  if (!reader.done) throw new ByteLayoutError('bytes left after the last section');
  return state;
}

/**
 * A compact binary serde for `CustomerState`; also reads states in the earlier layouts. A section
 * whose bytes are damaged throws CustomerStateDecodeError when the state first uses it.
 */
export const customerStateSerde: Serde<CustomerState> = {
  serialize: encode,
  deserialize(bytes) {
    const first = bytes.length > 0 ? bytes[0] : -1;
    if (first === JSON_LAYOUT) return decodeJsonLayout(bytes);
    if (first !== MAGIC && first !== WITHOUT_LENGTHS)
      throw new CustomerStateDecodeError('bytes are not a layout this serde writes');
    try {
      return first === MAGIC ? decode(bytes) : decodeWithoutLengths(bytes);
    } catch (error) {
      if (error instanceof ByteLayoutError)
        throw new CustomerStateDecodeError(
          `bytes do not follow the binary layout (${error.message})`,
          error,
        );
      throw error;
    }
  },
};
