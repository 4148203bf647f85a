/**
 * The comparison run as one SVG: a panel per workload, a horizontal bar per client (records/s
 * for the throughput workloads, p50 and p99 for the latency one). Plain SVG text, no library,
 * so it renders on GitHub and in any browser.
 */
import type { Workload } from "./compare-plan.js";
import type { Row } from "./compare-report.js";

const WIDTH = 900;
const LABEL = 300;
const BAR = 18;
const GAP = 6;
const PANEL_HEAD = 34;

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function color(client: string): string {
  if (client.startsWith("tributary")) return "#2f7d4f";
  return "#7a8696";
}

interface Bar {
  label: string;
  value: number | undefined;
  text: string;
  fill: string;
}

function panel(title: string, bars: Bar[], y0: number): { svg: string; height: number } {
  const max = Math.max(1e-9, ...bars.map((b) => b.value ?? 0));
  const plot = WIDTH - LABEL - 130;
  const parts = [
    `<text x="10" y="${y0 + 22}" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  bars.forEach((b, i) => {
    const y = y0 + PANEL_HEAD + i * (BAR + GAP);
    const w = b.value === undefined ? 0 : Math.max(1, (b.value / max) * plot);
    parts.push(
      `<text x="${LABEL - 8}" y="${y + BAR - 5}" font-size="12" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${LABEL}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" fill="${b.fill}"/>`,
      `<text x="${LABEL + w + 6}" y="${y + BAR - 5}" font-size="12">${esc(b.text)}</text>`,
    );
  });
  return { svg: parts.join("\n"), height: PANEL_HEAD + bars.length * (BAR + GAP) + 10 };
}

export function chartSvg(rows: Row[], workloads: Workload[], caption: string): string {
  const panels: string[] = [];
  let y = 10;
  for (const w of workloads) {
    const mine = rows.filter((r) => r.workload === w.id);
    if (mine.length === 0) continue;
    const bars: Bar[] = [];
    for (const r of mine) {
      const label = w.id === "W5" ? r.form : r.label;
      if (w.metric === "latency") {
        for (const [q, v] of [
          ["p50", r.p50Ms],
          ["p99", r.p99Ms],
        ] as const) {
          bars.push({
            label: `${label} ${q}`,
            value: v,
            text:
              v === undefined
                ? r.status === "ok"
                  ? "not reported"
                  : r.status
                : `${v.toFixed(2)} ms`,
            fill: q === "p50" ? color(r.client) : "#c9a227",
          });
        }
      } else {
        bars.push({
          label,
          value: r.recordsPerSec,
          text:
            r.recordsPerSec === undefined
              ? r.status
              : `${Math.round(r.recordsPerSec).toLocaleString("en-US")} rec/s`,
          fill: color(r.client),
        });
      }
    }
    const unit = w.metric === "latency" ? "ms, lower is better" : "records/s, higher is better";
    const p = panel(`${w.id}: ${w.title} (${unit})`, bars, y);
    panels.push(p.svg);
    y += p.height;
  }
  panels.push(`<text x="10" y="${y + 14}" font-size="11" fill="#555">${esc(caption)}</text>`);
  const height = y + 26;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif" role="img">`,
    // The chart's text alternative, for screen readers (and biome's a11y rule).
    `<title>${esc(`npm run bench: records/s and latency per client and workload; ${caption}`)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...panels,
    "</svg>",
    "",
  ].join("\n");
}
