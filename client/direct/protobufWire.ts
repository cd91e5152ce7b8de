/**
 * The Protocol Buffers wire format, as far as the CLI's direct gRPC calls need it (./completedRun.ts):
 * messages of strings, bytes, sub-messages and varints. Reading keeps every field by number and skips
 * what it does not know; field numbers are checked against Temporal's own descriptors by a test.
 */

/** A message's fields by number, in wire order: varints as numbers, length-delimited ones as bytes. */
export type Fields = Map<number, (number | Uint8Array)[]>;

function readVarint(buf: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const byte = buf[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, i + 1];
  }
  throw new Error('malformed protobuf: truncated varint');
}

export function readFields(buf: Uint8Array): Fields {
  const fields: Fields = new Map();
  let at = 0;
  while (at < buf.length) {
    const [key, afterKey] = readVarint(buf, at);
    const no = Math.floor(key / 8);
    const wire = key % 8;
    let value: number | Uint8Array;
    if (wire === 0) [value, at] = readVarint(buf, afterKey);
    else if (wire === 2) {
      const [length, start] = readVarint(buf, afterKey);
      if (start + length > buf.length) throw new Error('malformed protobuf: field longer than its message');
      value = buf.subarray(start, start + length);
      at = start + length;
    } else if (wire === 1 || wire === 5) {
      // Fixed 64/32-bit numbers: no field read here has one; keep the bytes.
      const size = wire === 1 ? 8 : 4;
      value = buf.subarray(afterKey, afterKey + size);
      at = afterKey + size;
    } else throw new Error(`malformed protobuf: wire type ${wire}`);
    const list = fields.get(no);
    if (list) list.push(value);
    else fields.set(no, [value]);
  }
  return fields;
}

const utf8 = new TextDecoder();

/** The last occurrence of a length-delimited field (protobuf's rule for repeated singular fields). */
export function bytesField(fields: Fields, no: number): Uint8Array | undefined {
  const v = fields.get(no)?.at(-1);
  return v instanceof Uint8Array ? v : undefined;
}
export const messageField = (fields: Fields, no: number): Fields | undefined => {
  const b = bytesField(fields, no);
  return b ? readFields(b) : undefined;
};
export const stringField = (fields: Fields, no: number): string => {
  const b = bytesField(fields, no);
  return b ? utf8.decode(b) : '';
};
export const numberField = (fields: Fields, no: number): number => {
  const v = fields.get(no)?.at(-1);
  return typeof v === 'number' ? v : 0;
};
export const repeatedMessages = (fields: Fields, no: number): Fields[] =>
  (fields.get(no) ?? []).filter((v): v is Uint8Array => v instanceof Uint8Array).map(readFields);

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A message from [field number, value] pairs: strings and bytes length-delimited, numbers as varints. */
export function encodeMessage(fields: [no: number, value: string | number | Uint8Array | undefined][]): Uint8Array {
  const parts: number[] = [];
  for (const [no, value] of fields) {
    if (value === undefined) continue;
    if (typeof value === 'number') {
      parts.push(...varint(no * 8), ...varint(value));
      continue;
    }
    const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
    parts.push(...varint(no * 8 + 2), ...varint(bytes.length), ...bytes);
  }
  return Uint8Array.from(parts);
}
