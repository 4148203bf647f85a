/**
 * Sizes of Kafka's variable-length integers, so encoders can compute a length prefix before
 * writing the body. Unsigned varints are LEB128 (7 bits a byte, low bits first); signed ones
 * are zigzag-mapped first, as in protobuf. See KIP-482 (unsigned varints in flexible versions)
 * and the record format in https://kafka.apache.org/documentation/#record.
 */

/** Bytes needed for an unsigned 32-bit varint. */
export function sizeOfUnsignedVarint(value: number): number {
  const v = value >>> 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** Zigzag maps a signed int32 onto an unsigned one: 0,-1,1,-2 -> 0,1,2,3. */
export function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

/** Bytes needed for a zigzag (signed) 32-bit varint. */
export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint(zigzag32(value));
}

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

export function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX;
}

/** Zigzag for int64 values. */
export function zigzag64(value: bigint): bigint {
  const v = BigInt.asIntN(64, value);
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
}

/** Bytes needed for a zigzag (signed) 64-bit varlong. */
export function sizeOfVarlong(value: number | bigint): number {
  if (typeof value === "number" && isInt32(value)) return sizeOfVarint(value);
  let z = zigzag64(BigInt(value));
  let n = 1;
  while (z >= 0x80n) {
    z >>= 7n;
    n++;
  }
  return n;
}
