// Per-address back-off on failed logins, so password guessing through the pooler is slower than against PostgreSQL.
namespace Pooler.Auth;

/// <summary>
/// After a failed login from an address, that address's next attempts are verified only at spaced-out turns: the
/// spacing doubles with each failure up to <see cref="Cap"/> and is cleared by a success. Turns are reserved in order,
/// so parallel connections from one address queue behind each other instead of guessing side by side, and both right
/// and wrong answers wait for their turn (an attacker cannot read "no answer yet" as "wrong"). Waiting is a timer in
/// the caller, never a blocked thread. Memory is bounded: at most <see cref="MaxEntries"/> addresses, forgotten after
/// <see cref="ForgetAfter"/> without failures. Loop-thread only.
/// </summary>
internal sealed class LoginBackoff(TimeProvider time)
{
    /// <summary>Spacing after the first failure. PostgreSQL answers a wrong password in a few milliseconds.</summary>
    public TimeSpan Base { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Largest spacing: past it an address gets at most one verification per this interval. Small enough
    /// that a user who mistyped waits well under a second, large enough to cap guessing at a few tries a second.</summary>
    public TimeSpan Cap { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ForgetAfter { get; init; } = TimeSpan.FromMinutes(10);

    public int MaxEntries { get; init; } = 10_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>Failures recorded for <paramref name="address"/> (0 when none or forgotten).</summary>
    public int FailuresOf(string address) => Current(address, time.GetUtcNow()) is { } e ? e.Failures : 0;

    /// <summary>Reserve the next verification turn of <paramref name="address"/>: how long to wait before checking
    /// its answer (zero when the address has no recent failure).</summary>
    public TimeSpan ReserveTurn(string address)
    {
        var now = time.GetUtcNow();
        if (Current(address, now) is not { } e)
            return TimeSpan.Zero;
        var slot = e.NextTurn > now ? e.NextTurn : now;
        e.NextTurn = slot + DelayFor(e.Failures);
        return slot - now;
    }

    public void RecordFailure(string address)
    {
        var now = time.GetUtcNow();
        if (Current(address, now) is not { } e)
        {
            MakeRoom(now);
            e = new Entry();
            _entries[address] = e;
        }
        e.Failures++;
        e.LastFailure = now;
        var earliest = now + DelayFor(e.Failures);
        if (e.NextTurn < earliest)
            e.NextTurn = earliest;
    }

    public void RecordSuccess(string address) => _entries.Remove(address);

    /// <summary>Base doubled per earlier failure, capped.</summary>
    public TimeSpan DelayFor(int failures)
    {
        if (failures <= 0)
            return TimeSpan.Zero;
        var shift = Math.Min(failures - 1, 20);
        var ticks = Math.Min(Base.Ticks << shift, Cap.Ticks);
        return TimeSpan.FromTicks(ticks);
    }

    private Entry? Current(string address, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(address, out var e))
            return null;
        if (now - e.LastFailure > ForgetAfter && e.NextTurn <= now)
        {
            _entries.Remove(address);
            return null;
        }
        return e;
    }

    /// <summary>Full table: drop forgotten addresses, else the one whose last failure is oldest.</summary>
    private void MakeRoom(DateTimeOffset now)
    {
        if (_entries.Count < MaxEntries)
            return;
        string? oldest = null;
        var oldestTime = DateTimeOffset.MaxValue;
        List<string>? stale = null;
        foreach (var (address, e) in _entries)
        {
            if (now - e.LastFailure > ForgetAfter && e.NextTurn <= now)
                (stale ??= []).Add(address);
            else if (e.LastFailure < oldestTime)
            {
                oldestTime = e.LastFailure;
                oldest = address;
            }
        }
        if (stale is not null)
        {
            foreach (var address in stale)
                _entries.Remove(address);
        }
        else if (oldest is not null)
        {
            _entries.Remove(oldest);
        }
    }

    private sealed class Entry
    {
        public int Failures;
        public DateTimeOffset LastFailure;
        public DateTimeOffset NextTurn;
    }
}
