#!/usr/bin/env python3
"""usage: plot.py results.csv > benchmarks.svg  -- an SVG (hand-written, stdlib only) of a bench/run: for each
pgbench scenario, TPS and pooler CPU µs per transaction against the client count, one line per target (median
over rounds of the cells that succeeded)."""
import csv, statistics, sys
from xml.sax.saxutils import escape

COLORS = {"direct": "#888888", "pgbouncer": "#d62728", "ours-w1": "#1f77b4", "ours-wN": "#2ca02c"}
W, H, PAD_L, PAD_R, PAD_T, PAD_B = 360, 200, 60, 20, 28, 34


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1]) as fh:
        rows = [r for r in csv.DictReader(fh) if r["tool"] == "pgbench" and r["status"] == "OK"]
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    targets = list(dict.fromkeys(r["target"] for r in rows))
    clients = sorted({int(r["clients"]) for r in rows})
    data = {}
    for r in rows:
        for col in ("tps", "pooler_us_txn"):
            if r[col]:
                data.setdefault((r["scenario"], col, r["target"], int(r["clients"])), []).append(float(r[col]))
    panels = [(s, col) for s in scenarios for col in ("tps", "pooler_us_txn")]
    cols = 2
    width = cols * (W + PAD_L + PAD_R)
    height = 40 + ((len(panels) + 1) // 2) * (H + PAD_T + PAD_B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    # legend
    x = 10
    for t in targets:
        out.append(f'<line x1="{x}" y1="16" x2="{x + 24}" y2="16" stroke="{COLORS.get(t, "#000")}" stroke-width="2.5"/>')
        out.append(f'<text x="{x + 30}" y="20">{escape(t)}</text>')
        x += 40 + 8 * len(t)
    out.append(f'<text x="{x + 10}" y="20" fill="#555">pgbench, median over rounds; x: clients</text>')
    for i, (scen, col) in enumerate(panels):
        ox = (i % cols) * (W + PAD_L + PAD_R) + PAD_L
        oy = 40 + (i // cols) * (H + PAD_T + PAD_B) + PAD_T
        series = {t: [(c, statistics.median(data[(scen, col, t, c)])) for c in clients if (scen, col, t, c) in data]
                  for t in targets}
        ymax = max([v for s in series.values() for _, v in s] + [1]) * 1.1
        title = f"{scen}: {'TPS' if col == 'tps' else 'pooler CPU µs per transaction'}"
        out.append(f'<text x="{ox}" y="{oy - 8}" font-weight="bold">{escape(title)}</text>')
        out.append(f'<rect x="{ox}" y="{oy}" width="{W}" height="{H}" fill="none" stroke="#ccc"/>')
        xs = {c: ox + (j + 0.5) * W / len(clients) for j, c in enumerate(clients)}
        for c, px in xs.items():
            out.append(f'<text x="{px:.1f}" y="{oy + H + 14}" text-anchor="middle">{c}</text>')
        for k in range(5):
            v = ymax * k / 4
            py = oy + H - H * k / 4
            out.append(f'<line x1="{ox}" y1="{py:.1f}" x2="{ox + W}" y2="{py:.1f}" stroke="#eee"/>')
            out.append(f'<text x="{ox - 4}" y="{py + 4:.1f}" text-anchor="end">{v:,.0f}</text>')
        for t, pts in series.items():
            if not pts:
                continue
            coords = " ".join(f"{xs[c]:.1f},{oy + H - H * v / ymax:.1f}" for c, v in pts)
            color = COLORS.get(t, "#000")
            out.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="2"/>')
            for c, v in pts:
                out.append(f'<circle cx="{xs[c]:.1f}" cy="{oy + H - H * v / ymax:.1f}" r="2.5" fill="{color}"/>')
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
