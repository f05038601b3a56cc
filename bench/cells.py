"""One benchmark cell (imported by matrix.py): a pgbench or `pooler bench` run of one scenario at one client count
against one target, with the CPU the target's process tree, PostgreSQL and the client used during it."""
import glob, json, os, re, resource, subprocess, time
import proctree

# Both poolers offer client TLS and libpq's default sslmode is prefer: without PGSSLMODE=disable every pgbench
# cell would run over TLS against the poolers (and in plain text against PostgreSQL), mixing TLS cost into all of them.
PLAIN = {"PGSSLMODE": "disable"}

# scenario -> (pgbench arguments, `pooler bench` arguments or None, extra environment)
SCENARIOS = {
    "select-only": (["-S"], ["-b", "select-only"], PLAIN),
    "tpcb-like": (["-b", "tpcb-like"], ["-b", "tpcb-like"], PLAIN),
    "extended": (["-S", "-M", "extended"], ["-b", "select-only", "-M", "extended"], PLAIN),
    "prepared": (["-S", "-M", "prepared"], ["-b", "select-only", "-M", "prepared"], PLAIN),
    "connect": (["-S", "-C"], ["-b", "select-only", "-C"], PLAIN),
    # issue 10: the client side over TLS (both poolers offer TLS; PostgreSQL behind them is reached in plain text)
    "tls": (["-S"], None, {"PGSSLMODE": "require"}),
}

COLUMNS = ["round", "tool", "target", "scenario", "clients", "status", "tps", "lat_avg_ms", "lat_p50_ms", "lat_p99_ms",
           "txns", "failed", "pooler_us_txn", "pg_us_txn", "client_us_txn", "busy_pct", "foreign_pct", "wall_s", "note"]


def _percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def _pgbench_latencies(prefix):
    """Per-transaction latencies (ms) from pgbench --log files: 'client txno time_us script epoch us'."""
    lat = []
    for path in glob.glob(prefix + ".*"):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    lat.append(int(parts[2]) / 1000.0)
        os.remove(path)
    lat.sort()
    return lat


def _pgbench_seconds(dur, clients):
    """pgbench's -T clock includes connecting its clients (one at a time per thread), which at 1,000 clients on a
    loaded machine can take all of a 10 s cell; its TPS excludes that phase, so the cell gets 1 s per 100 clients
    more. `pooler bench` starts its clock once every client is connected and needs no allowance."""
    return dur + (clients + 99) // 100


def _pgbench(cfg, port, scenario, clients, logdir, tag):
    args, _, env = SCENARIOS[scenario]
    prefix = os.path.join(logdir, tag + "-txlog")   # pgbench writes PREFIX.PID[.THREAD]; not to be confused with TAG.log
    cmd = [cfg["pgbench"], "-h", "127.0.0.1", "-p", str(port), "-U", cfg["user"], "-n",
           "-c", str(clients), "-j", str(min(cfg["threads"], clients)), "-T", str(_pgbench_seconds(cfg["dur"], clients)),
           "-l", "--log-prefix=" + prefix, *args, cfg["db"]]
    return cmd, env, lambda out, rc: _parse_pgbench(out, rc, prefix)


def _parse_pgbench(out, rc, prefix):
    g = lambda pat: (m.group(1) if (m := re.search(pat, out, re.M)) else None)
    lat = _pgbench_latencies(prefix)
    txns = int(g(r"^number of transactions actually processed: (\d+)") or 0)
    failed = int(g(r"^number of failed transactions: (\d+)") or 0)
    aborted = "Run was aborted" in out or rc != 0
    note = ""
    for line in out.splitlines():
        if "error" in line.lower() or "FATAL" in line or "aborted" in line:
            note = line.strip()[:160]
            break
    return dict(tps=float(g(r"^tps = ([0-9.]+)") or 0), txns=txns, failed=failed, aborted=aborted,
                lat_avg_ms=float(g(r"^latency average = ([0-9.]+) ms") or 0) or None,
                lat_p50_ms=_percentile(lat, 0.50), lat_p99_ms=_percentile(lat, 0.99), note=note)


def _pooler_bench(cfg, port, scenario, clients, logdir, tag):
    _, args, env = SCENARIOS[scenario]
    cmd = [cfg["pooler"], "bench", "-h", "127.0.0.1", "-p", str(port), "-U", cfg["user"],
           "-c", str(clients), "-j", str(min(cfg["threads"], clients)), "-T", str(cfg["dur"]), *args, "--json", cfg["db"]]
    return cmd, env, _parse_pooler_bench


def _parse_pooler_bench(out, rc):
    start = out.find("{")
    try:
        j = json.loads(out[start:]) if start >= 0 else None
    except ValueError:
        j = None
    if j is None:
        return dict(tps=0, txns=0, failed=0, aborted=True, lat_avg_ms=None, lat_p50_ms=None, lat_p99_ms=None,
                    note=(out.strip().splitlines() or ["no output"])[-1][:160])
    lat = j.get("latency_ms", {})
    note = j.get("first_abort_reason", "") or " ".join(f"{k}:{v}" for k, v in j.get("failures_by_sqlstate", {}).items())
    return dict(tps=j["tps"], txns=j["transactions"], failed=j["failures"], aborted=j["aborted_clients"] > 0 or rc != 0,
                lat_avg_ms=lat.get("average"), lat_p50_ms=lat.get("p50"), lat_p99_ms=lat.get("p99"), note=note[:160])


def run(cfg, rnd, tool, target, scenario, clients, pg_pid, logdir):
    """Runs one cell and returns its CSV row (a dict over COLUMNS)."""
    tag = f"r{rnd}-{tool}-{target.name}-{scenario}-c{clients}"
    build = _pgbench if tool == "pgbench" else _pooler_bench
    cmd, extra_env, parse = build(cfg, target.port, scenario, clients, logdir, tag)
    env = dict(os.environ, **extra_env)
    before = (proctree.cpu_seconds(target.pid), proctree.cpu_seconds(pg_pid), proctree.machine(), time.monotonic(),
              resource.getrusage(resource.RUSAGE_CHILDREN))
    status = None
    with open(os.path.join(logdir, tag + ".log"), "w+") as logf:
        p = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, env=env)
        try:
            rc = p.wait(timeout=_pgbench_seconds(cfg["dur"], clients) + 60)
        except subprocess.TimeoutExpired:
            p.kill()
            rc = p.wait()
            status = "TIMEOUT"
        logf.seek(0)
        out = logf.read()
    after = (proctree.cpu_seconds(target.pid), proctree.cpu_seconds(pg_pid), proctree.machine(), time.monotonic(),
             resource.getrusage(resource.RUSAGE_CHILDREN))
    r = parse(out, rc)
    pooler_s = after[0] - before[0]
    pg_s = after[1] - before[1]
    busy_s, total_s = after[2][0] - before[2][0], after[2][1] - before[2][1]
    client_s = (after[4].ru_utime + after[4].ru_stime) - (before[4].ru_utime + before[4].ru_stime)
    txns = r["txns"]
    if status is None:
        status = "OK" if txns > 0 and not r["aborted"] and r["failed"] == 0 else ("PARTIAL" if txns > 0 else "FAIL")
    per = lambda s: round(s * 1e6 / txns, 1) if txns else None
    rnd2 = lambda x: None if x is None else round(x, 3)
    return {
        "round": rnd, "tool": tool, "target": target.name, "scenario": scenario, "clients": clients, "status": status,
        "tps": round(r["tps"], 1), "lat_avg_ms": rnd2(r["lat_avg_ms"]), "lat_p50_ms": rnd2(r["lat_p50_ms"]),
        "lat_p99_ms": rnd2(r["lat_p99_ms"]), "txns": txns, "failed": r["failed"],
        "pooler_us_txn": per(pooler_s) if target.pid else None, "pg_us_txn": per(pg_s), "client_us_txn": per(client_s),
        "busy_pct": round(100 * busy_s / total_s) if total_s else None,
        # CPU that neither the target, PostgreSQL nor the client used: other jobs on the machine (the noise)
        "foreign_pct": round(100 * max(0.0, busy_s - pooler_s - pg_s - client_s) / total_s) if total_s else None,
        "wall_s": round(after[3] - before[3], 1), "note": r["note"].replace(",", ";"),
    }
