#!/usr/bin/env python3
"""Runs the benchmark matrix for bench/run (which sets the environment up): every target is started once and
stays up; then for each round, scenario, client count and tool, the targets run one after the other (the order
rotates each round), so every cell is compared with PgBouncer's within minutes on the same machine state. Then the
idle checks. Writes OUT/results.csv, OUT/idle.csv and OUT/run-info.txt; logs go to $BENCH_DIR/logs.
Settings come from the environment (see bench/run --help)."""
import csv, os, subprocess, sys, time
import cells, idle, targets


def env_list(name, default):
    return os.environ.get(name, default).split()


def log(msg):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}", file=sys.stderr, flush=True)


def main():
    home = os.path.dirname(os.path.abspath(__file__))
    out = os.environ["OUT"]
    bench_dir = os.environ["BENCH_DIR"]
    logdir = os.path.join(bench_dir, "logs")
    os.makedirs(logdir, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    cfg = dict(dur=int(os.environ.get("DUR", "10")), threads=int(os.environ.get("THREADS", "2")),
               user=os.environ["BENCH_USER"], db=os.environ["PG_DB"],
               pgbench=os.path.join(os.environ["PG_BIN"], "pgbench"), pooler=os.environ["POOLER_BIN"])
    rounds = int(os.environ.get("ROUNDS", "1"))
    clients = [int(c) for c in env_list("CLIENTS", "10 50 200 1000")]
    scenarios = env_list("SCENARIOS", "select-only tpcb-like extended prepared connect tls")
    pb_scenarios = env_list("PB_SCENARIOS", "select-only tpcb-like")
    idle_counts = [int(c) for c in env_list("IDLE_COUNTS", "2000 10000")]
    idle_secs = float(os.environ.get("IDLE_SECS", "20"))
    warmup = int(os.environ.get("WARMUP", "5"))
    pg_pid = int(os.environ["PG_PID"])
    ports = {"pg": int(os.environ["PG_PORT"]), "pgbouncer": int(os.environ["PGB_PORT"]),
             "ours-w1": int(os.environ["OURS_W1_PORT"]), "ours-wN": int(os.environ["OURS_WN_PORT"])}
    tlist = targets.make(env_list("TARGETS", "direct pgbouncer ours-w1 ours-wN"), home, ports, os.cpu_count())
    for s in scenarios + pb_scenarios:
        if s not in cells.SCENARIOS:
            raise SystemExit(f"unknown scenario {s}; known: {list(cells.SCENARIOS)}")

    results_path = os.path.join(out, "results.csv")
    with open(results_path, "w", newline="") as f:
        csv.DictWriter(f, cells.COLUMNS).writeheader()

    def record(row):
        with open(results_path, "a", newline="") as f:
            csv.DictWriter(f, cells.COLUMNS).writerow(row)
        log(f"r{row['round']} {row['tool']:12} {row['target']:9} {row['scenario']:11} c={row['clients']:<4} {row['status']:7} "
            f"tps={row['tps']:<9} p99={row['lat_p99_ms']} ms pooler={row['pooler_us_txn']} us/txn "
            f"foreign={row['foreign_pct']}% {row['note'][:60]}")

    plan = []
    for r in range(1, rounds + 1):
        for scen in scenarios:
            for c in clients:
                for tool in ("pgbench", "pooler-bench"):
                    if tool == "pooler-bench" and scen not in pb_scenarios:
                        continue
                    order = tlist[(r - 1) % len(tlist):] + tlist[:(r - 1) % len(tlist)]
                    for t in order:
                        if scen == "tls" and t.cmd is None:
                            continue     # the benchmark's PostgreSQL has no TLS: the scenario is about the poolers
                        plan.append((r, scen, c, tool, t))
    est = len(plan) * (cfg["dur"] + 2) + len(tlist) * 3 * (warmup + 1) + (len(tlist) - 1) * (idle_secs + 10 * len(idle_counts))
    log(f"{len(plan)} cells of {cfg['dur']} s, estimated {est / 60:.0f} min")

    try:
        for t in tlist:
            t.start(logdir)
            log(f"{t.name} up on port {t.port} (pid {t.pid or 'postgres'})")
        for t in tlist:
            # JIT (our pooler's hot paths reach tier 1 only after enough calls, later still on a loaded machine),
            # pools and caches warm before the first measured cell, once per protocol mode.
            # Plain text like the cells (libpq would otherwise pick TLS, which the poolers offer), plus one TLS
            # round when the matrix has TLS cells.
            modes = [("simple", "disable"), ("extended", "disable"), ("prepared", "disable")]
            if "tls" in scenarios and t.cmd is not None:
                modes.append(("simple", "require"))
            for mode, sslmode in modes if warmup else ():
                subprocess.run([cfg["pgbench"], "-h", "127.0.0.1", "-p", str(t.port), "-U", cfg["user"], "-n", "-S",
                                "-M", mode, "-c", "50", "-j", str(cfg["threads"]), "-T", str(warmup), cfg["db"]],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=warmup + 120,
                               env=dict(os.environ, PGSSLMODE=sslmode))
        for i, (r, scen, c, tool, t) in enumerate(plan, 1):
            if not t.alive():
                log(f"{t.name} is not running any more; skipping its cells:\n{t.log_tail()}")
                continue
            row = cells.run(cfg, r, tool, t, scen, c, pg_pid, logdir)
            record(row)
        idle_rows = []
        for t in tlist:
            if t.cmd is None or not t.alive():
                continue
            time.sleep(3)
            w, threads = idle.wakeups_per_second(t.pid, idle_secs)
            base, mem, failures = idle.memory_per_client(t.pid, t.port, cfg["user"], cfg["db"], idle_counts)
            row = {"target": t.name, "wakeups_per_s": round(w, 2), "threads": threads, "rss_idle_kb": base}
            for n, held, per, rss in mem:
                row[f"held_{n}"] = held
                row[f"b_per_client_{n}"] = per
                row[f"rss_kb_{n}"] = rss
            row["failures"] = "; ".join(f"{v} x {k}" for k, v in failures.items())
            idle_rows.append(row)
            log(f"idle {t.name}: {row}")
        if idle_rows:
            with open(os.path.join(out, "idle.csv"), "w", newline="") as f:
                w = csv.DictWriter(f, list(idle_rows[0].keys()))
                w.writeheader(); w.writerows(idle_rows)
    finally:
        for t in tlist:
            t.stop()


if __name__ == "__main__":
    main()
