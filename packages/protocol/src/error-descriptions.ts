import type { KafkaErrorName } from "./error-codes.js";
import { describe, TributaryError } from "./errors.js";

/**
 * Which sentence a KafkaError carries for a known code. Our sentence per code (error-messages.ts,
 * ~18 KB minified) would be the largest part of a browser bundle, so it is opt-in: the Node, Deno
 * and Bun entries of @tributary/producer install it, and a browser or Worker app that wants it
 * writes `useErrorDescriptions(errorMessages)` once. Without it a KafkaError still says the
 * code's name and number and where Kafka explains it; `code`, `kafkaCode` and `retriable` are the
 * same either way.
 */

/** Text per Kafka error name; a name missing from it gets the short form. */
export type ErrorDescriptions = { readonly [name in KafkaErrorName]?: string };

/** Kafka's table of error codes with a line on each (the protocol guide). */
export const KAFKA_ERROR_CODES_URL = "https://kafka.apache.org/protocol#protocol_error_codes";

let installed: ErrorDescriptions | undefined;

/**
 * Makes KafkaError messages (and `errorByCode(n).message`) use `descriptions`, such as
 * `errorMessages`, from now on; `undefined` goes back to the short form. Errors made before the
 * call keep their message.
 */
export function useErrorDescriptions(descriptions: ErrorDescriptions | undefined): void {
  if (descriptions !== undefined && (typeof descriptions !== "object" || descriptions === null)) {
    throw new TributaryError(
      "INVALID_ARGUMENT",
      `descriptions: must be an object of Kafka error name to text (such as errorMessages) or undefined; received ${describe(descriptions)}`,
    );
  }
  installed = descriptions;
}

/** The installed text for a known code, else its name, number and where to read its meaning. */
export function errorDescription(code: number, name: KafkaErrorName): string {
  return (
    installed?.[name] ??
    `Kafka error ${name} (code ${code}); its meaning: ${KAFKA_ERROR_CODES_URL} (useErrorDescriptions(errorMessages) puts ours here)`
  );
}
