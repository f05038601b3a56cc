"""Benchmark targets (imported by matrix.py): direct PostgreSQL, PgBouncer, our pooler with workers 1 and N. Each
pooler is a foreground command started in its own session; its PID is the process tree whose CPU is measured."""
import os, signal, socket, subprocess, time
import proctree


class Target:
    def __init__(self, name, port, cmd, env=None):
        self.name, self.port, self.cmd, self.env = name, port, cmd, env or {}
        self.proc, self.pid, self.logpath = None, 0, None

    def start(self, logdir):
        if self.cmd is None:      # direct: PostgreSQL itself, no pooler process to measure
            return
        if port_open(self.port):
            raise RuntimeError(f"port {self.port} is already in use: cannot start {self.name}")
        self.logpath = os.path.join(logdir, f"target-{self.name}.log")
        env = dict(os.environ, TARGET_PORT=str(self.port), **self.env)
        with open(self.logpath, "w") as log:
            self.proc = subprocess.Popen(self.cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env, start_new_session=True)
        self.pid = self.proc.pid
        deadline = time.monotonic() + 120      # the first start may build the pooler
        while not port_open(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start listening on {self.port}:\n{self.log_tail()}")
            time.sleep(0.2)

    def alive(self):
        return self.cmd is None or (self.proc is not None and self.proc.poll() is None)

    def log_tail(self, n=15):
        try:
            with open(self.logpath) as f:
                return "".join(f.readlines()[-n:])
        except (OSError, TypeError):
            return ""

    def stop(self):
        """SIGTERM, then SIGKILL to the whole recorded tree after 15 s."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pids = proctree.tree(self.pid)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            for p in pids:
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
            self.proc.wait()


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def make(names, bench_home, ports, workers_n):
    """The targets named in `names` (direct, pgbouncer, ours-w1, ours-wN), in that order."""
    all_targets = {
        "direct": lambda: Target("direct", ports["pg"], None),
        "pgbouncer": lambda: Target("pgbouncer", ports["pgbouncer"], [os.path.join(bench_home, "pgbouncer-up")]),
        "ours-w1": lambda: Target("ours-w1", ports["ours-w1"], [os.path.join(bench_home, "pooler-up")], {"WORKERS": "1"}),
        "ours-wN": lambda: Target("ours-wN", ports["ours-wN"], [os.path.join(bench_home, "pooler-up")], {"WORKERS": str(workers_n)}),
    }
    unknown = [n for n in names if n not in all_targets]
    if unknown:
        raise SystemExit(f"unknown target(s) {unknown}; known: {list(all_targets)}")
    return [all_targets[n]() for n in names]
