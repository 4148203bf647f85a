export * from "./errors.js";
export type * from "./transport/transport.js";
