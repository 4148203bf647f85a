import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { workloads } from "../lib/compare-plan.js";
import { markdownTables, ratios, targets, textTables, toRow } from "../lib/compare-report.js";
import type { Measured } from "../lib/run-runner.js";
import type { RunResult } from "../peers/contract.js";

const plan = workloads("full");
const w1 = plan.find((w) => w.id === "W1")!;
const w4 = plan.find((w) => w.id === "W4")!;

function measured(result: Partial<RunResult>, cpuSeconds = 1): Measured {
  return {
    result: {
      ok: true,
      records: 1000,
      seconds: 1,
      latencyMs: null,
      settings: {},
      notes: [],
      ...result,
    },
    cpuSeconds,
    peakPssBytes: 100 * 2 ** 20,
    gatewayCpuSeconds: 0.5,
    brokerCpuSeconds: 0.7,
    processSeconds: 2,
    exitCode: 0,
    stderrTail: [],
  };
}

const client = (id: string) => ({ id, label: id });

describe("comparison report", () => {
  it("derives records/s and MB/s from the runner's count and seconds and the value bytes", () => {
    const row = toRow(
      w1,
      client("kafkajs"),
      "batch",
      2_000_000,
      measured({ records: 1000, seconds: 0.5 }),
    );
    assert.equal(row.recordsPerSec, 2000);
    assert.equal(row.mbPerSec, 4);
    assert.equal(row.cpuUsPerRecord, 1000);
    assert.equal(row.peakMemoryMiB, 100);
    // Only the clients that go through the gateway are charged its CPU.
    assert.equal(row.gatewayCpuSeconds, undefined);
    const ws = toRow(w1, client("tributary-ws"), "batch", 1, measured({}));
    assert.equal(ws.gatewayCpuSeconds, 0.5);
  });

  it("keeps a failed or unsupported run out of every figure", () => {
    const failed = toRow(
      w1,
      client("kcat"),
      "batch",
      1,
      measured({ ok: false, failure: "boom", records: 5 }),
    );
    assert.equal(failed.status, "failed");
    assert.equal(failed.recordsPerSec, undefined);
    const na = toRow(
      w4,
      client("kcat"),
      "await-each",
      1,
      measured({ ok: false, unsupported: true, failure: "cannot" }),
    );
    assert.equal(na.status, "unsupported");
    const text = textTables([failed, na], [w1, w4]);
    assert.match(text, /FAILED\s+boom/);
    assert.match(text, /n\/a\s+cannot/);
  });

  it("states ratios against Tributary over TCP: throughput as tcp/peer, latency as peer p50/tcp p50", () => {
    const rows = [
      toRow(w1, client("tributary-tcp"), "batch", 1, measured({ records: 1000, seconds: 1 })),
      toRow(w1, client("kafkajs"), "batch", 1, measured({ records: 1000, seconds: 4 })),
      toRow(
        w4,
        client("tributary-tcp"),
        "await-each",
        1,
        measured({ latencyMs: { p50: 2, p99: 5 } }),
      ),
      toRow(w4, client("jvm"), "await-each", 1, measured({ latencyMs: { p50: 3, p99: 9 } })),
    ];
    const r = ratios(rows, [w1, w4]);
    assert.deepEqual(
      r.map((x) => [x.workload, x.vs, x.value, x.basis]),
      [
        ["W1", "kafkajs", 4, "records/s"],
        ["W4", "jvm", 1.5, "p50 latency"],
      ],
    );
  });

  it("judges each target from this run's rows and says which were not measured", () => {
    const rows = [
      toRow(w1, client("tributary-tcp"), "batch", 1, measured({ records: 1000, seconds: 1 })),
      toRow(w1, client("kafkajs"), "batch", 1, measured({ records: 1000, seconds: 1.9 })),
      toRow(w1, client("jvm"), "batch", 1, measured({ records: 1000, seconds: 0.5 })),
    ];
    const t = targets(rows, 16 * 1024);
    const get = (what: RegExp, workload = "W1") =>
      t.find((x) => x.workload === workload && what.test(x.what))!;
    assert.equal(get(/KafkaJS/).met, false); // 1.9x < 2x
    assert.ok(Math.abs(get(/KafkaJS/).got! - 1.9) < 1e-9);
    assert.equal(get(/Java/).met, false); // 0.5x < 0.8x
    assert.equal(get(/platformatic/).met, undefined);
    assert.equal(get(/browser entry/, "size").met, false);
    assert.equal(targets(rows, 15 * 1024).find((x) => x.workload === "size")!.met, true);
  });

  it("writes a Markdown table with a row per run", () => {
    const rows = [
      toRow(w1, client("tributary-tcp"), "batch", 1, measured({})),
      toRow(w1, client("kcat"), "batch", 1, measured({ ok: false, failure: "a|b" })),
    ];
    const md = markdownTables(rows, [w1]);
    assert.equal(md.split("\n").filter((l) => l.startsWith("| ")).length, 3);
    assert.match(md, /a\\\|b/);
  });
});
