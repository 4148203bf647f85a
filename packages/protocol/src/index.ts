export * from "./error-codes.js";
export * from "./error-messages.js";
export * from "./errors.js";
export * from "./kafka-error.js";
export * from "./reader.js";
export { utf8Length } from "./text.js";
export * from "./uuid.js";
export * from "./varint.js";
export * from "./writer.js";
