"""Process-tree figures from /proc (imported by the bench/ scripts): CPU ticks, memory and context switches of a
process with all its threads and descendants, and machine-wide busy time."""
import os

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    # comm may hold spaces and parentheses: the fields start after the last ')'
    return s[s.rindex(")") + 2:].split()


def tree(pid):
    """pid and all its descendants (via the ppid field); empty for pid 0 (no process: direct PostgreSQL)."""
    if pid <= 0:
        return []
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                kids.setdefault(int(_stat(d)[1]), []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(kids.get(p, []))
    return out


def cpu_seconds(pid):
    """utime + stime + cutime + cstime over the tree: threads count in their process, reaped children in cutime."""
    ticks = 0
    for p in tree(pid):
        try:
            ticks += sum(int(x) for x in _stat(p)[11:15])
        except (OSError, ValueError):
            pass
    return ticks / CLK_TCK


def machine():
    """(busy seconds, total seconds) over all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (v + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq
    return busy / CLK_TCK, (busy + idle + iowait + steal) / CLK_TCK


def _status(path, keys):
    out = {}
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in keys:
                    out[k] = int(v.split()[0])
    except (OSError, ValueError):
        pass
    return out


def rss_kb(pid):
    """VmRSS summed over the tree (kB)."""
    return sum(_status(f"/proc/{p}/status", {"VmRSS"}).get("VmRSS", 0) for p in tree(pid))


def context_switches(pid):
    """{(pid, tid): voluntary + involuntary switches} for every live thread of the tree. A thread that exits takes
    its count with it, so compare two snapshots thread by thread (see idle.wakeups_per_second)."""
    out = {}
    for p in tree(pid):
        try:
            tids = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tids:
            v = _status(f"/proc/{p}/task/{t}/status", {"voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"})
            if v:
                out[(p, t)] = sum(v.values())
    return out
