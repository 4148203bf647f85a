/**
 * The page of the gateway-credentials browser test (tests/gateway-credentials.spec.ts), bundled
 * with esbuild's browser conditions: the `browser` entry of @tributary/producer, the page's
 * global WebSocket, and nothing but a gateway token. Kafka's credentials stay in the gateway.
 */
import { createProducer } from "@tributary/producer";

export interface PageReceipt {
  success: boolean | undefined;
  partition: number | undefined;
  offset: string | undefined;
  errorCode: string | undefined;
  errorMessage: string | undefined;
}

export interface ProduceRequest {
  url: string;
  token: string;
  topic: string;
  count: number;
}

declare global {
  interface Window {
    produceThroughGateway(request: ProduceRequest): Promise<PageReceipt[]>;
  }
}

window.produceThroughGateway = async ({ url, token, topic, count }) => {
  const producer = createProducer({ bootstrap: url, gatewayToken: token, maxBlockMs: 10_000 });
  const receipts = Array.from({ length: count }, (_, i) =>
    producer.produce(topic, { key: `k-${i}`, value: `${topic}-${i}` }),
  );
  await Promise.allSettled(receipts.map((r) => r.done));
  await producer.close();
  return receipts.map((r) => ({
    success: r.success,
    partition: r.partition,
    offset: r.offset?.toString(),
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
  }));
};

document.body.dataset.ready = "true";
