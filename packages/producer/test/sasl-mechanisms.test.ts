import assert from "node:assert/strict";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ProducerError } from "../src/errors.js";
import {
  createSaslExchange,
  SASL_MECHANISMS,
  type SaslExchange,
  type SaslMechanismName,
} from "../src/sasl/mechanisms.js";

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const bytes = (s: string): Uint8Array => utf8.encode(s);

/** Resolves to the ProducerError the promise rejects with; fails the test if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<ProducerError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof ProducerError, `expected a ProducerError, got ${e}`);
    return e;
  }
  assert.fail("expected a rejection");
}

function thrown(fn: () => unknown): ProducerError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProducerError, `expected a ProducerError, got ${e}`);
    return e;
  }
  assert.fail("expected a throw");
}

function assertAuthFailure(e: ProducerError, mechanism: string, rule: RegExp): void {
  assert.equal(e.code, "AUTHENTICATION_FAILED");
  assert.equal(e.retriable, false);
  assert.ok(e.message.includes(mechanism), `names ${mechanism}: ${e.message}`);
  assert.match(e.message, rule);
}

/**
 * A SCRAM server written from RFC 5802 with node:crypto, independent of the WebCrypto code
 * under test: it checks the client's proof against the stored key and signs like a broker.
 */
function scramServer(
  mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512",
  password: string,
  opts: { iterations?: number; salt?: Buffer; serverNonce?: string } = {},
) {
  const h = mechanism === "SCRAM-SHA-256" ? "sha256" : "sha512";
  const iterations = opts.iterations ?? 4096;
  const salt = opts.salt ?? randomBytes(16);
  const salted = pbkdf2Sync(
    Buffer.from(password, "utf8"),
    salt,
    iterations,
    h === "sha256" ? 32 : 64,
    h,
  );
  const hmac = (key: Buffer, data: string) => createHmac(h, key).update(data, "utf8").digest();
  const clientKey = hmac(salted, "Client Key");
  const storedKey = createHash(h).update(clientKey).digest();
  const serverKey = hmac(salted, "Server Key");
  let clientFirstBare = "";
  let serverFirst = "";
  return {
    salted,
    clientKey,
    first(clientFirst: string): string {
      assert.ok(clientFirst.startsWith("n,,"), "gs2 header without channel binding");
      clientFirstBare = clientFirst.slice(3);
      const nonce = /,r=([^,]+)$/.exec(clientFirstBare)?.[1] ?? "";
      serverFirst = `r=${nonce}${opts.serverNonce ?? "srv3rN0nce"},s=${salt.toString("base64")},i=${iterations}`;
      return serverFirst;
    },
    /** The expected proof, for checking that it never appears in a message. */
    proofFor(clientFinalWithoutProof: string): string {
      const auth = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
      const sig = createHmac(h, storedKey).update(auth, "utf8").digest();
      return Buffer.from(clientKey.map((b, i) => b ^ (sig[i] ?? 0))).toString("base64");
    },
    final(clientFinal: string): string {
      const m = /^(c=biws,r=[^,]+),p=([^,]+)$/.exec(clientFinal);
      assert.ok(m?.[1] !== undefined && m[2] !== undefined, `client-final shape: ${clientFinal}`);
      const auth = `${clientFirstBare},${serverFirst},${m[1]}`;
      const proof = Buffer.from(m[2], "base64");
      const sig = createHmac(h, storedKey).update(auth, "utf8").digest();
      const recoveredClientKey = Buffer.from(proof.map((b, i) => b ^ (sig[i] ?? 0)));
      assert.deepEqual(
        createHash(h).update(recoveredClientKey).digest(),
        storedKey,
        "proof verifies",
      );
      return `v=${createHmac(h, serverKey).update(auth, "utf8").digest("base64")}`;
    },
  };
}

// RFC 7677 section 3.
const RFC_NONCE = "rOprNGfwEbeRWgbNEkqO";
const RFC_SERVER_FIRST =
  "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const RFC_CLIENT_FINAL =
  "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const RFC_SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

async function rfcExchangeAtFinal(): Promise<SaslExchange> {
  const x = createSaslExchange(
    "SCRAM-SHA-256",
    { username: "user", password: "pencil" },
    RFC_NONCE,
  );
  await x.start();
  await x.next(bytes(RFC_SERVER_FIRST));
  return x;
}

describe("SASL PLAIN", () => {
  it("sends NUL username NUL password in UTF-8 and completes on the broker's empty answer", async () => {
    const x = createSaslExchange("PLAIN", { username: "alice", password: "pä55" });
    assert.equal(x.mechanism, "PLAIN");
    const first = await x.start();
    assert.deepEqual([...first], [0, ...bytes("alice"), 0, ...bytes("pä55")]);
    assert.equal(await x.next(new Uint8Array(0)), undefined);
    assertAuthFailure(await rejection(x.next(new Uint8Array(0))), "PLAIN", /already complete/);
  });

  it("refuses a NUL inside the username or the password", () => {
    const e = thrown(() => createSaslExchange("PLAIN", { username: "a\0b", password: "x" }));
    assert.equal(
      e.message,
      'sasl.username: must not contain NUL (U+0000) with PLAIN; received "a\\u0000b"',
    );
    const p = thrown(() => createSaslExchange("PLAIN", { username: "a", password: "se\0cret" }));
    assert.equal(
      p.message,
      "sasl.password: must not contain NUL (U+0000) with PLAIN; received a string of 7 characters (not shown: it is a secret)",
    );
  });
});

describe("SASL SCRAM-SHA-256 (RFC 7677 section 3 example)", () => {
  it("produces the RFC's client-first and client-final, and accepts its server-final", async () => {
    const x = createSaslExchange(
      "SCRAM-SHA-256",
      { username: "user", password: "pencil" },
      RFC_NONCE,
    );
    assert.equal(text(await x.start()), `n,,n=user,r=${RFC_NONCE}`);
    assert.equal(text(await x.next(bytes(RFC_SERVER_FIRST))), RFC_CLIENT_FINAL);
    assert.equal(await x.next(bytes(RFC_SERVER_FINAL)), undefined);
  });

  it("refuses a tampered server signature", async () => {
    const x = await rfcExchangeAtFinal();
    const e = await rejection(x.next(bytes("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
    assertAuthFailure(e, "SCRAM-SHA-256", /server signature \(v=\) does not match/);
    // The conversation is over once it failed.
    assertAuthFailure(
      await rejection(x.next(bytes(RFC_SERVER_FINAL))),
      "SCRAM-SHA-256",
      /already failed/,
    );
  });

  it("refuses a signature in non-canonical base64 (padding bits set)", async () => {
    const x = await rfcExchangeAtFinal();
    // "5" differs from "4" only in the padding bits, so atob would read the same bytes.
    const e = await rejection(x.next(bytes("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=")));
    assertAuthFailure(e, "SCRAM-SHA-256", /server signature \(v=\) is not valid base64/);
  });

  it("refuses the server's e= and names its error", async () => {
    const x = await rfcExchangeAtFinal();
    const e = await rejection(x.next(bytes("e=invalid-proof")));
    assertAuthFailure(e, "SCRAM-SHA-256", /refused the authentication with error "invalid-proof"/);
  });

  it("refuses a server nonce that does not start with ours", async () => {
    const x = createSaslExchange(
      "SCRAM-SHA-256",
      { username: "user", password: "pencil" },
      RFC_NONCE,
    );
    await x.start();
    const e = await rejection(x.next(bytes(RFC_SERVER_FIRST.replace("r=rOpr", "r=XOpr"))));
    assertAuthFailure(
      e,
      "SCRAM-SHA-256",
      /server nonce \(r=\) does not start with the client nonce/,
    );
  });

  it("refuses fewer than Kafka's 4096 iterations, and more than its 16384", async () => {
    for (const [i, rule] of [
      [1000, /asks for 1000 iterations; Kafka allows 4096 to 16384/],
      [16385, /asks for 16385 iterations/],
    ] as const) {
      const x = createSaslExchange(
        "SCRAM-SHA-256",
        { username: "user", password: "pencil" },
        RFC_NONCE,
      );
      await x.start();
      const e = await rejection(x.next(bytes(RFC_SERVER_FIRST.replace("i=4096", `i=${i}`))));
      assertAuthFailure(e, "SCRAM-SHA-256", rule);
    }
  });

  it("refuses a malformed server-first: missing attribute, bad salt, bad count, m= extension", async () => {
    const cases: [string, RegExp][] = [
      [`r=${RFC_NONCE}x,i=4096`, /not r=<nonce>,s=<salt>,i=<iterations>/],
      [`r=${RFC_NONCE}x,s=not*base64,i=4096`, /salt \(s=\) is not non-empty base64/],
      [
        `r=${RFC_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4k`,
        /iteration count \(i=\) is not a positive integer: "4k"/,
      ],
      [`m=ext,r=${RFC_NONCE}x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`, /requires an extension \(m=\)/],
    ];
    for (const [serverFirst, rule] of cases) {
      const x = createSaslExchange(
        "SCRAM-SHA-256",
        { username: "user", password: "pencil" },
        RFC_NONCE,
      );
      await x.start();
      assertAuthFailure(await rejection(x.next(bytes(serverFirst))), "SCRAM-SHA-256", rule);
    }
  });

  it("escapes '=' and ',' in the username as =3D and =2C", async () => {
    const x = createSaslExchange("SCRAM-SHA-256", { username: "a=b,c==", password: "p" }, "abc");
    assert.equal(text(await x.start()), "n,,n=a=3Db=2Cc=3D=3D,r=abc");
  });

  it("uses a fresh 32-character random nonce by default", async () => {
    const a = text(
      await createSaslExchange("SCRAM-SHA-512", { username: "u", password: "p" }).start(),
    );
    const b = text(
      await createSaslExchange("SCRAM-SHA-512", { username: "u", password: "p" }).start(),
    );
    assert.match(a, /^n,,n=u,r=[A-Za-z0-9+/]{32}$/);
    assert.notEqual(a, b);
  });
});

describe("SASL SCRAM-SHA-512", () => {
  it("completes a round trip with a node:crypto server that checks the proof", async () => {
    const password = "päss wörd,=😀";
    const server = scramServer("SCRAM-SHA-512", password, { iterations: 8192 });
    const y = createSaslExchange("SCRAM-SHA-512", { username: "bob", password });
    assert.equal(y.mechanism, "SCRAM-SHA-512");
    const final = text(await y.next(bytes(server.first(text(await y.start())))));
    assert.match(final, /^c=biws,r=[^,]+srv3rN0nce,p=[A-Za-z0-9+/]{86}==$/);
    assert.equal(await y.next(bytes(server.final(final))), undefined);
  });
});

describe("createSaslExchange arguments", () => {
  it("names the field, the rule and what was received; the password only by type and length", () => {
    const cases: [() => unknown, string][] = [
      [
        () => createSaslExchange("GSSAPI" as SaslMechanismName, { username: "u", password: "p" }),
        'sasl.mechanism: must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512; received "GSSAPI"',
      ],
      [
        () => createSaslExchange("PLAIN", { username: "", password: "p" }),
        'sasl.username: must be a non-empty string; received ""',
      ],
      [
        () => createSaslExchange("PLAIN", { username: "u", password: 1234 as unknown as string }),
        "sasl.password: must be a non-empty string; received 1234",
      ],
      [
        () => createSaslExchange("SCRAM-SHA-256", { username: "u", password: "" }),
        "sasl.password: must be a non-empty string; received a string of 0 characters (not shown: it is a secret)",
      ],
      [
        () => createSaslExchange("SCRAM-SHA-256", { username: "u", password: "ab\uD800" }),
        "sasl.password: must be well-formed Unicode (no lone surrogate); received a string of 3 characters (not shown: it is a secret)",
      ],
      [
        () => createSaslExchange("SCRAM-SHA-256", { username: "u", password: "p" }, "a,b"),
        'nonce: must be printable ASCII without "," (RFC 5802 section 7); received "a,b"',
      ],
    ];
    for (const [fn, message] of cases) {
      const e = thrown(fn);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.equal(e.message, message);
    }
    assert.deepEqual(SASL_MECHANISMS, ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]);
  });
});

describe("no error message carries the password or anything derived from it", () => {
  /** Every string an error exposes: message, stack, and its causes'. */
  function exposed(e: unknown): string {
    let out = "";
    for (let c = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
      out += `${c.message}\n${c.stack ?? ""}\n`;
    }
    return out;
  }

  it("holds for random passwords through every failure path", async () => {
    const mechanisms = ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
    await fc.assert(
      fc.asyncProperty(
        // A marker makes a "contains" check meaningful even for one-character passwords.
        fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }).map((s) => `Cx9!${s}`),
        fc.constantFrom(...mechanisms),
        fc.integer({ min: 0, max: 6 }),
        async (password, mechanism, path) => {
          const server = scramServer(mechanism, password, {
            salt: Buffer.from("fixed-salt-16byt"),
          });
          const secrets = [
            password,
            server.salted.toString("base64"),
            server.salted.toString("hex"),
            server.clientKey.toString("base64"),
          ];
          const x = createSaslExchange(mechanism, { username: "u", password }, "clientnonce");
          const serverFirst = server.first(text(await x.start()));
          let error: unknown;
          try {
            if (path === 0) await x.next(bytes(serverFirst.replace("r=client", "r=other")));
            else if (path === 1) await x.next(bytes(serverFirst.replace("i=4096", "i=1000")));
            else if (path === 2) await x.next(bytes(serverFirst.replace(/s=[^,]+/, "s=@@")));
            else {
              const clientFinal = text(await x.next(bytes(serverFirst)));
              secrets.push(server.proofFor(clientFinal.replace(/,p=.*$/, "")), clientFinal);
              const v = server.final(clientFinal);
              const answers = ["e=invalid-proof", `v=${"A".repeat(v.length - 2)}`, "x=1", "v=###"];
              await x.next(bytes(answers[path - 3] ?? ""));
            }
          } catch (e) {
            error = e;
          }
          assert.ok(error instanceof ProducerError, `path ${path} fails`);
          const seen = exposed(error);
          for (const secret of secrets)
            assert.ok(!seen.includes(secret), `path ${path} leaks a secret`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("holds for a bad password given to createSaslExchange or PLAIN", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (s) => {
        for (const password of [`Cx9!${s}\0`, `Cx9!${s}\uDC00`]) {
          const e = thrown(() => createSaslExchange("PLAIN", { username: "u", password }));
          assert.ok(!exposed(e).includes(password.slice(0, -1)));
        }
      }),
      { numRuns: 100 },
    );
  });
});
