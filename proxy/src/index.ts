/**
 * @tributary/proxy: a Kafka-aware WebSocket-to-TCP gateway for Tributary producers in browsers
 * and edge runtimes. The CLI (cli.ts) wires these together; embedders can do the same.
 */
export { Authenticator, type AuthResult, type Principal, SUBPROTOCOL } from "./auth.js";
export { BrokerDirectory, type ResolvedTarget, TargetRefused } from "./brokers.js";
export {
  ConfigError,
  type GatewayConfig,
  type HostPort,
  type LogLevel,
  loadConfig,
  secretsOf,
  USAGE,
} from "./config.js";
export { type InspectResult, RequestInspector } from "./inspect.js";
export { createLogger, type Logger } from "./log.js";
export { Metrics, type RejectionReason } from "./metrics.js";
export { type Relay, type RelayOptions, startRelay } from "./relay.js";
export { createGateway, type Gateway, type GatewayDeps } from "./server.js";
export { TopicPolicy } from "./topics.js";
