export * from "./api.js";
export * from "./api-versions.js";
export * from "./frame.js";
export * from "./init-producer-id.js";
export * from "./metadata.js";
export * from "./produce.js";
export * from "./sasl-authenticate.js";
export * from "./sasl-handshake.js";
