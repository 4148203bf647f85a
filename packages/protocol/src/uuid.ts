import { ProtocolEncodeError } from "./errors.js";

/**
 * A Kafka UUID (topic ids, KIP-516) in the form Kafka itself prints it: 16 bytes as URL-safe
 * base64 without padding, 22 characters (Java `Uuid.toString()`).
 */
export type Uuid = string;

/** The all-zero UUID Kafka uses for "no topic id". */
export const ZERO_UUID: Uuid = "AAAAAAAAAAAAAAAAAAAAAA";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) INDEX[ALPHABET.charCodeAt(i)] = i;

export function uuidFromBytes(bytes: Uint8Array): Uuid {
  let out = "";
  let i = 0;
  for (; i + 3 <= 15; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  // 16 = 5*3 + 1: one byte left, two characters.
  const last = bytes[15]!;
  out += ALPHABET[last >> 2]! + ALPHABET[(last & 3) << 4]!;
  return out;
}

export function uuidToBytes(value: Uuid): Uint8Array {
  if (typeof value !== "string" || value.length !== 22) {
    throw new ProtocolEncodeError("uuid", "must be 22 characters of URL-safe base64", value);
  }
  const out = new Uint8Array(16);
  const sextet = (i: number): number => {
    const c = value.charCodeAt(i);
    const v = c < 128 ? INDEX[c]! : -1;
    if (v < 0) throw new ProtocolEncodeError("uuid", "must be URL-safe base64", value);
    return v;
  };
  let o = 0;
  for (let i = 0; i < 20; i += 4) {
    const n = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  const a = sextet(20);
  const b = sextet(21);
  if ((b & 15) !== 0) throw new ProtocolEncodeError("uuid", "has stray low bits", value);
  out[15] = (a << 2) | (b >> 4);
  return out;
}
