/**
 * One error base class for the whole project: a stable string `code` to branch on, a
 * `retriable` flag, the Kafka numeric error code where the broker sent one, and `cause`.
 * Higher layers (producer, proxy) extend it rather than inventing their own shapes.
 */
export interface TributaryErrorOptions {
  retriable?: boolean;
  kafkaCode?: number;
  cause?: unknown;
}

export class TributaryError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly kafkaCode: number | undefined;

  constructor(code: string, message: string, options: TributaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.kafkaCode = options.kafkaCode;
  }
}

/**
 * Bytes that cannot be decoded: a frame cut short, a length that points past the end, a
 * count that cannot fit in what is left, a CRC that does not match. Decoders raise only this,
 * never a RangeError, so a caller can tell a bad frame from a bug.
 */
export class ProtocolDecodeError extends TributaryError {
  /** Byte offset inside the buffer being read where the problem was found. */
  readonly offset: number;

  constructor(message: string, offset: number, options: TributaryErrorOptions = {}) {
    super("PROTOCOL_DECODE", `${message} (at byte ${offset})`, options);
    this.offset = offset;
  }
}

/**
 * A value that cannot be written in the requested field: names the field, the rule it broke
 * and what was received, so the caller can fix the input.
 */
export class ProtocolEncodeError extends TributaryError {
  readonly field: string;

  constructor(field: string, rule: string, received: unknown) {
    super("INVALID_ARGUMENT", `${field}: ${rule}; received ${describe(received)}`);
    this.field = field;
  }
}

/** Short, safe rendering of a received value for error messages (never dumps large buffers). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") {
    return value.length > 60 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object")
    return `an object (${value.constructor?.name ?? "null prototype"})`;
  return String(value);
}
