import * as crypto from 'node:crypto';

/**
 * A log line is `<bytes>\t<sha256 prefix>\t<json>\n`. The byte count and checksum make a torn last
 * line (crash mid-append) or a line from another writer detectable, so the reader skips it instead
 * of silently merging half a record with the next one.
 */
const CHECK_HEX = 16;

export function frameLine(json: string): string {
  return `${Buffer.byteLength(json)}\t${checksum(json)}\t${json}\n`;
}

export type Unframed = { ok: true; json: string } | { ok: false; reason: string };

export function unframeLine(line: string): Unframed {
  const a = line.indexOf('\t');
  const b = a < 0 ? -1 : line.indexOf('\t', a + 1);
  if (a < 0 || b < 0) return { ok: false, reason: 'no frame header' };
  const bytes = Number(line.slice(0, a));
  const json = line.slice(b + 1);
  if (!Number.isInteger(bytes) || Buffer.byteLength(json) !== bytes) return { ok: false, reason: 'length mismatch' };
  if (checksum(json) !== line.slice(a + 1, b)) return { ok: false, reason: 'checksum mismatch' };
  return { ok: true, json };
}

// One-shot crypto.hash (Node ≥ 20.12) costs about half of a Hash object for a line this short.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

function checksum(json: string): string {
  return sha256Hex(json).slice(0, CHECK_HEX);
}
