export * from "./api-keys.js";
export { crc32c } from "./crc32c.js";
export * from "./error-codes.js";
export * from "./error-descriptions.js";
export * from "./error-messages.js";
export * from "./errors.js";
export * from "./frame-splitter.js";
export * from "./header.js";
export * from "./kafka-error.js";
export * from "./messages/index.js";
export * from "./reader.js";
export * from "./record-batch.js";
export {
  type DecodedRecord,
  decodeRecords,
  encodeRecords,
  NO_TIMESTAMP,
  type RecordHeader,
  type RecordInput,
} from "./records.js";
export { utf8Length } from "./text.js";
export * from "./uuid.js";
export * from "./varint.js";
export * from "./versions.js";
export * from "./writer.js";
