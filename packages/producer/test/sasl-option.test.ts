import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createProducer as createBrowserProducer } from "../src/index.js";
import { createProducer } from "../src/node.js";
import { resolveOptions } from "../src/options.js";

const SECRET = "s3cret-canary-Xy9";

describe("the sasl option", () => {
  it("keeps the password behind a function: the resolved options never show it", () => {
    const o = resolveOptions({
      bootstrap: "127.0.0.1:9094",
      sasl: { mechanism: "SCRAM-SHA-256", username: "alice", password: SECRET },
    });
    assert.equal(o.sasl?.mechanism, "SCRAM-SHA-256");
    assert.equal(o.sasl?.username, "alice");
    assert.equal(o.sasl?.password(), SECRET);
    assert.ok(!JSON.stringify(o).includes(SECRET));
    assert.ok(!String(Object.values(o.sasl ?? {})).includes(SECRET));
  });

  it("refuses bad credentials at createProducer(), naming the field and the rule, never the password", () => {
    const cases: [unknown, RegExp][] = [
      ["alice:secret", /^sasl: must be \{ mechanism, username, password \}/],
      [
        { mechanism: "GSSAPI", username: "a", password: SECRET },
        /^sasl\.mechanism: must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; received "GSSAPI"/,
      ],
      [
        { mechanism: "PLAIN", username: "", password: SECRET },
        /^sasl\.username: must be a non-empty string/,
      ],
      [
        { mechanism: "PLAIN", username: "a", password: 42 },
        /^sasl\.password: must be a non-empty string; received 42/,
      ],
      [
        { mechanism: "PLAIN", username: "a", password: `${SECRET}\0x` },
        /^sasl\.password: must not contain NUL.*a string of \d+ characters \(not shown/,
      ],
    ];
    for (const [sasl, message] of cases) {
      assert.throws(
        () => createProducer({ bootstrap: "127.0.0.1:9094", sasl }),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "INVALID_ARGUMENT");
          assert.match(err.message, message);
          assert.ok(!err.message.includes(SECRET), err.message);
          return true;
        },
      );
    }
  });

  it("is refused by the browser entry, which carries no SASL: the gateway holds the credentials", () => {
    assert.throws(
      () =>
        createBrowserProducer({
          bootstrap: "ws://127.0.0.1:1/kafka",
          sasl: { mechanism: "PLAIN", username: "alice", password: SECRET },
        }),
      (err: Error & { code?: string }) =>
        err.code === "INVALID_ARGUMENT" &&
        /sasl: this entry \(the browser one\) has no SASL/.test(err.message) &&
        !err.message.includes(SECRET),
    );
  });

  it("answers the Kafka-style sasl.* keys with where the settings go", () => {
    assert.throws(
      () => createProducer({ bootstrap: "127.0.0.1:9094", "sasl.mechanism": "PLAIN" }),
      /sasl\.mechanism: is not read: give the mechanism, user and password together as the sasl option/,
    );
  });
});
