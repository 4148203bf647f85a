// The public surface shared by every runtime entry point.

// Errors from the wire format and the broker, re-exported so users can check `instanceof`.
// Our sentence per Kafka error code: the Node, Deno and Bun entries install it; a browser or
// Worker app opts in with `useErrorDescriptions(errorMessages)` (error-descriptions.ts says why).
export {
  type ErrorDescriptions,
  errorMessages,
  KafkaError,
  ProtocolDecodeError,
  TributaryError,
  useErrorDescriptions,
} from "@tributary/protocol";
export type { BootstrapAddress } from "./broker-address.js";
export * from "./errors.js";
export {
  type CompressionCodec,
  type KafkaStyleOptions,
  OPTION_DEFAULTS,
  type ProducerOptions,
  type ResolvedOptions,
} from "./options.js";
export { PRESETS, type PresetValues } from "./presets.js";
export type { Producer } from "./producer.js";
export {
  type DeliveryCallback,
  DeliveryReceipt,
  type ReceiptListener,
  type ReceiptState,
  type RecordMetadata,
} from "./receipt.js";
export type { ProducerStatsSnapshot, StatsListener } from "./stats.js";
export type * from "./transport/transport.js";
export {
  type GatewayToken,
  type WebSocketConnectorOptions,
  type WebSocketConstructor,
  type WebSocketLike,
  webSocketConnector,
} from "./transport/websocket.js";
export {
  type HeaderValue,
  MAX_TOPIC_NAME_LENGTH,
  type MessageHeaders,
  type ProducerMessage,
  validateTopicName,
} from "./validate.js";
