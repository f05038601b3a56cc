"""Idle checks (imported by matrix.py): wake-ups per second of a pooler's whole process tree with no clients, and
its RSS growth per held idle client (protocol-3 logins with trust, held open by this process)."""
import resource, selectors, socket, struct, time
import proctree


def wakeups_per_second(pid, seconds):
    """(wake-ups/s, live threads): voluntary + involuntary context switches over the window, thread by thread (a
    thread born in the window counts from 0; one that exited in it is lost, so this can undercount, not overcount)."""
    before = proctree.context_switches(pid)
    t0 = time.monotonic()
    time.sleep(seconds)
    after = proctree.context_switches(pid)
    switches = sum(n - before.get(k, 0) for k, n in after.items())
    return max(0.0, switches / (time.monotonic() - t0)), len(after)


def _startup(user, db):
    body = struct.pack("!I", 196608)
    for k, v in (("user", user), ("database", db), ("application_name", "bench-idle")):
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


class IdleClients:
    """Logged-in idle connections; open() adds more, close() sends Terminate on each."""

    def __init__(self, port, user, db):
        self.port, self.msg, self.socks, self.failures = port, _startup(user, db), [], {}
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    def open(self, n, parallel=64, timeout=120):
        """Opens n more connections (at most `parallel` handshakes at once); returns how many reached ReadyForQuery."""
        sel = selectors.DefaultSelector()
        todo, pending, ok = n, 0, 0
        deadline = time.monotonic() + timeout

        def fail(s, why):
            nonlocal pending
            sel.unregister(s); s.close(); pending -= 1
            self.failures[why] = self.failures.get(why, 0) + 1

        while (todo or pending) and time.monotonic() < deadline:
            while todo and pending < parallel:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                try:
                    s.connect_ex(("127.0.0.1", self.port))
                except OSError as e:
                    s.close(); todo -= 1
                    self.failures[str(e)[:60]] = self.failures.get(str(e)[:60], 0) + 1
                    continue
                sel.register(s, selectors.EVENT_WRITE, [self.msg, b""])
                todo -= 1; pending += 1
            for key, ev in sel.select(timeout=0.2):
                s, state = key.fileobj, key.data
                try:
                    if ev & selectors.EVENT_WRITE:
                        sent = s.send(state[0]); state[0] = state[0][sent:]
                        if not state[0]:
                            sel.modify(s, selectors.EVENT_READ, state)
                        continue
                    data = s.recv(65536)
                    if not data:
                        fail(s, "closed by the pooler"); continue
                    state[1] += data
                    buf, done = state[1], False
                    while len(buf) >= 5:
                        code, length = buf[:1], struct.unpack("!I", buf[1:5])[0]
                        if len(buf) < length + 1:
                            break
                        if code == b"E":
                            fail(s, "ErrorResponse " + buf[5:length + 1].decode(errors="replace")[:60]); done = True; break
                        if code == b"Z":
                            sel.unregister(s); pending -= 1; ok += 1; self.socks.append(s); done = True; break
                        buf = buf[length + 1:]
                    if not done:
                        state[1] = buf
                except OSError as e:
                    fail(s, str(e)[:60])
        for key in list(sel.get_map().values()):
            fail(key.fileobj, "timeout")
        sel.close()
        return ok

    def close(self):
        for s in self.socks:
            try:
                s.setblocking(True); s.settimeout(1); s.sendall(b"X\0\0\0\4"); s.close()
            except OSError:
                pass
        self.socks = []


def memory_per_client(pid, port, user, db, counts, settle=3.0):
    """RSS of the tree before any client, then with counts[0], counts[1], ... clients held (cumulative), as
    [(held, ok, bytes per client)]. Growth is measured from the same empty baseline for every count."""
    base = proctree.rss_kb(pid)
    clients = IdleClients(port, user, db)
    out = []
    try:
        for n in counts:
            clients.open(n - len(clients.socks))
            time.sleep(settle)
            held = len(clients.socks)
            rss = proctree.rss_kb(pid)
            out.append((n, held, round((rss - base) * 1024 / held) if held else None, rss))
    finally:
        clients.close()
    return base, out, clients.failures
