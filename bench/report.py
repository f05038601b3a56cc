#!/usr/bin/env python3
"""usage: report.py OUT_DIR  -- markdown report of a bench/run: tables per tool and scenario with every figure also
as a ratio to PgBouncer of the same round (median over rounds), the idle checks, and issue 9's targets marked
met / not met. Reads OUT_DIR/results.csv, idle.csv and run-info.txt."""
import csv, os, statistics, sys

BASE = "pgbouncer"
OURS = ("ours-w1", "ours-wN")


def num(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def med(values):
    v = [x for x in values if x is not None]
    return statistics.median(v) if v else None


def f(x, d=0):
    return "" if x is None else f"{x:,.{d}f}"


def load(out):
    with open(os.path.join(out, "results.csv")) as fh:
        rows = list(csv.DictReader(fh))
    idle = []
    if os.path.exists(os.path.join(out, "idle.csv")):
        with open(os.path.join(out, "idle.csv")) as fh:
            idle = list(csv.DictReader(fh))
    return rows, idle


class Cells:
    """Per (tool, scenario, clients, target): medians over rounds, and ratios to PgBouncer of the same round."""

    def __init__(self, rows):
        self.by = {}
        for r in rows:
            self.by.setdefault((r["tool"], r["scenario"], int(r["clients"]), r["target"]), {})[r["round"]] = r
        self.keys = list(dict.fromkeys((r["tool"], r["scenario"]) for r in rows))
        self.clients = sorted({int(r["clients"]) for r in rows})
        self.targets = list(dict.fromkeys(r["target"] for r in rows))

    def value(self, key, col):
        rs = self.by.get(key, {})
        return med(num(r[col]) for r in rs.values() if r["status"] == "OK")

    def ratio(self, key, col):
        tool, scen, c, t = key
        mine, base = self.by.get(key, {}), self.by.get((tool, scen, c, BASE), {})
        out = []
        for rnd, r in mine.items():
            b = base.get(rnd)
            if b and r["status"] == "OK" and b["status"] == "OK" and num(b[col]) and num(r[col]) is not None:
                out.append(num(r[col]) / num(b[col]))
        return med(out)

    def status(self, key):
        return "/".join(r["status"] for _, r in sorted(self.by.get(key, {}).items()))


def tables(cells):
    if not cells.keys:
        return
    print("## Results\n")
    print("Each value is the median over rounds; ratios are to PgBouncer in the same round (TPS: higher is better, "
          "p99 and CPU: lower is better). Pooler CPU is the whole process tree of the pooler (supervisor and workers) "
          "per transaction.\n")
    for tool, scen in cells.keys:
        print(f"### {scen} ({tool})\n")
        print("| clients | target | TPS | TPS ratio | p50 ms | p99 ms | p99 ratio | pooler CPU µs/txn | CPU ratio | PG CPU µs/txn | status |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for c in cells.clients:
            for t in cells.targets:
                k = (tool, scen, c, t)
                if k not in cells.by:
                    continue
                base = t == BASE
                print("| " + " | ".join([
                    str(c), t, f(cells.value(k, "tps")), "1" if base else f(cells.ratio(k, "tps"), 2),
                    f(cells.value(k, "lat_p50_ms"), 2), f(cells.value(k, "lat_p99_ms"), 2),
                    "1" if base else f(cells.ratio(k, "lat_p99_ms"), 2),
                    f(cells.value(k, "pooler_us_txn"), 1), "1" if base else f(cells.ratio(k, "pooler_us_txn"), 2),
                    f(cells.value(k, "pg_us_txn"), 1), cells.status(k)]) + " |")
        print()


def summary(cells):
    """One compact table: per pgbench scenario and client count, PgBouncer's figures and ours as ratios."""
    ours = [t for t in OURS if t in cells.targets]
    if BASE not in cells.targets or not ours:
        return
    print("## Summary (ours as ratios to PgBouncer of the same round; × < 1 is better for CPU and p99)\n")
    hdr = ["tool", "scenario", "clients", "PgBouncer TPS", "PgBouncer CPU µs/txn", "PgBouncer p99 ms"]
    for t in ours:
        hdr += [f"{t} TPS ×", f"{t} CPU ×", f"{t} p99 ×"]
    print("| " + " | ".join(hdr) + " |")
    print("|---|---|" + "---:|" * (len(hdr) - 2))
    for tool, scen in sorted(cells.keys, key=lambda k: k[0] != "pgbench"):
        for c in cells.clients:
            b = (tool, scen, c, BASE)
            if b not in cells.by:
                continue
            bs = cells.status(b)
            if "OK" not in bs:
                line = [tool, scen, str(c), bs, "", ""]
            else:
                line = [tool, scen, str(c), f(cells.value(b, "tps")), f(cells.value(b, "pooler_us_txn"), 1), f(cells.value(b, "lat_p99_ms"), 1)]
            for t in ours:
                k = (tool, scen, c, t)
                if "OK" not in cells.status(k):
                    line += [cells.status(k) or "", "", ""]
                elif "OK" not in bs:
                    line += [f(cells.value(k, "tps")) + " tps", f(cells.value(k, "pooler_us_txn"), 1) + " µs", ""]
                else:
                    line += [f(cells.ratio(k, "tps"), 2), f(cells.ratio(k, "pooler_us_txn"), 2), f(cells.ratio(k, "lat_p99_ms"), 2)]
            print("| " + " | ".join(line) + " |")
    print()


def idle_table(idle):
    if not idle:
        return
    print("### Idle checks\n")
    counts = sorted({int(k.split("_")[-1]) for k in idle[0] if k.startswith("b_per_client_")})
    # Growth from the empty baseline also counts what the process frees or keeps from before (warm-up garbage a GC
    # gives back, heap the GC grew earlier); the step between two counts is the cost of one more client alone.
    step = len(counts) > 1
    hdr = ["target", "wake-ups/s, no clients (whole tree)", "threads", "RSS idle"] + \
          [f"RSS growth per idle client at {n:,}" for n in counts] + \
          ([f"per extra client, {counts[0]:,} → {counts[-1]:,}"] if step else []) + ["failures"]
    print("| " + " | ".join(hdr) + " |")
    print("|---|" + "---:|" * (len(hdr) - 2) + "---|")
    for r in idle:
        marginal = []
        if step:
            a, b = counts[0], counts[-1]
            ra, rb, ha, hb = (num(r.get(k)) for k in (f"rss_kb_{a}", f"rss_kb_{b}", f"held_{a}", f"held_{b}"))
            marginal = [f"{f((rb - ra) * 1024 / (hb - ha))} B" if None not in (ra, rb, ha, hb) and hb != ha else ""]
        print("| " + " | ".join([r["target"], r["wakeups_per_s"], r["threads"], f(num(r["rss_idle_kb"]) / 1024, 1) + " MiB"] +
                                [f"{f(num(r.get(f'b_per_client_{n}')))} B ({r.get(f'held_{n}', '')} held)" for n in counts] +
                                marginal + [r.get("failures", "")]) + " |")
    print()


def verdict(ok):
    return "**met**" if ok else "**not met**"


def targets_check(cells, idle):
    print("## Issue 9's targets in this run\n")
    present = set(cells.targets) | {r["target"] for r in idle}   # an idle-only run (SCENARIOS="") has no cells
    ours = [t for t in OURS if t in present]
    if BASE not in present or not ours:
        print("(needs PgBouncer and our pooler in the same run)\n")
        return
    lines = []
    for t in ours:
        def ratios(scens, col, clients=None, tool="pgbench"):
            out = []
            for s in scens:
                for c in clients or cells.clients:
                    r = cells.ratio((tool, s, c, t), col)
                    if r is not None:
                        out.append((s, c, r))
            return out

        cpu = ratios(["select-only", "extended", "tpcb-like"], "pooler_us_txn", [50])
        if cpu:
            lines.append((t, "pooler CPU/txn ≤ 0.8× PgBouncer's (select-only, extended, tpcb-like at 50 clients)",
                          all(r <= 0.8 for _, _, r in cpu), ", ".join(f"{s} {r:.2f}×" for s, _, r in cpu)))
        tps = ratios(["select-only", "tpcb-like", "extended"], "tps")
        if tps:
            bad = [(s, c, r) for s, c, r in tps if r < 1.0]
            lines.append((t, "TPS ≥ PgBouncer's at every client count (select-only, tpcb-like, extended)", not bad,
                          f"{len(tps) - len(bad)}/{len(tps)} cells; lowest " + ", ".join(f"{s}@{c} {r:.2f}×" for s, c, r in sorted(bad, key=lambda x: x[2])[:3])))
        p99 = ratios(["select-only", "tpcb-like", "extended"], "lat_p99_ms")
        if p99:
            bad = [(s, c, r) for s, c, r in p99 if r > 1.0]
            lines.append((t, "p99 latency ≤ PgBouncer's", not bad,
                          f"{len(p99) - len(bad)}/{len(p99)} cells; worst " + ", ".join(f"{s}@{c} {r:.2f}×" for s, c, r in sorted(bad, key=lambda x: -x[2])[:3])))
        con = ratios(["connect"], "tps")
        if con:
            lines.append((t, "connect-per-transaction (-C) rate ≥ PgBouncer's", all(r >= 1.0 for _, _, r in con),
                          ", ".join(f"{c}: {r:.2f}×" for _, c, r in con)))
        tls = ratios(["tls"], "pooler_us_txn")
        if tls:
            lines.append((t, "TLS (issue 10): pooler CPU/txn ≤ PgBouncer's, both with client TLS", all(r <= 1.0 for _, _, r in tls),
                          ", ".join(f"{c}: {r:.2f}×" for _, c, r in tls)))
        ir = {r["target"]: r for r in idle}
        if t in ir and BASE in ir:
            counts = sorted({int(k.split("_")[-1]) for k in ir[t] if k.startswith("b_per_client_")})
            pairs = [(n, num(ir[t].get(f"b_per_client_{n}")), num(ir[BASE].get(f"b_per_client_{n}"))) for n in counts]
            pairs = [(n, a, b) for n, a, b in pairs if a is not None and b is not None]
            if pairs:
                lines.append((t, "memory per idle client ≤ PgBouncer's", all(a <= b for _, a, b in pairs),
                              ", ".join(f"{n:,}: {a:,.0f} vs {b:,.0f} B" for n, a, b in pairs)))
        if t in ir:
            w = num(ir[t]["wakeups_per_s"])
            lines.append((t, "idle wake-ups ≤ 0.5/s (whole process tree)", w is not None and w <= 0.5,
                          f"{ir[t]['wakeups_per_s']}/s (PgBouncer {ir.get(BASE, {}).get('wakeups_per_s', '?')}/s)"))
    print("| target | goal | verdict | figures |")
    print("|---|---|---|---|")
    for t, goal, ok, fig in lines:
        print(f"| {t} | {goal} | {verdict(ok)} | {fig} |")
    print()


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    out = sys.argv[1]
    rows, idle = load(out)
    info = os.path.join(out, "run-info.txt")
    print("# Benchmark run\n")
    if os.path.exists(info):
        print("```\n" + open(info).read().strip() + "\n```\n")
    cells = Cells(rows)
    targets_check(cells, idle)
    summary(cells)
    idle_table(idle)
    tables(cells)


if __name__ == "__main__":
    main()
