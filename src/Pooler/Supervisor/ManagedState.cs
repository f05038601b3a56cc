// The supervisor's copy of what admin commands changed in the workers' memory (pauses, disabled databases, SET
// values), so that a worker it starts again comes up in the pooler's current state rather than the file's.
using Pooler.Management;

namespace Pooler.Supervisor;

/// <summary>
/// Follows the rules of <see cref="Pools.PoolManager"/>: RESUME without a database lifts every pause, KILL leaves its
/// database paused, ENABLE/DISABLE name one database. SET values are kept by key, the last one winning; a RELOAD
/// drops them, because the workers re-read the file and its values are in force again. Loop thread only.
/// </summary>
internal sealed class ManagedState
{
    private readonly SortedSet<string> _paused = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _disabled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _settings = new(StringComparer.Ordinal);
    private bool _pausedAll;

    public bool IsEmpty => !_pausedAll && _paused.Count == 0 && _disabled.Count == 0 && _settings.Count == 0;

    /// <summary>A command the workers accepted; commands that change no kept state are ignored.</summary>
    public void Record(AdminCommand command)
    {
        var db = command.Database;
        switch (command.Kind)
        {
            case AdminCommandKind.Pause or AdminCommandKind.Kill:
                if (db is null)
                    _pausedAll = true;
                else
                    _paused.Add(db);
                break;
            case AdminCommandKind.Resume:
                if (db is null)
                {
                    _pausedAll = false;
                    _paused.Clear();
                }
                else
                {
                    _paused.Remove(db);
                }
                break;
            case AdminCommandKind.Disable when db is not null:
                _disabled.Add(db);
                break;
            case AdminCommandKind.Enable when db is not null:
                _disabled.Remove(db);
                break;
            case AdminCommandKind.Set when command.Key is { Length: > 0 } key && command.Value is { } value:
                _settings[key.ToLowerInvariant()] = value;
                break;
        }
    }

    /// <summary>RELOAD: the file's values replace every SET (pauses and disabled databases stay, as in PgBouncer).</summary>
    public void OnReload() => _settings.Clear();

    /// <summary>The commands that bring a fresh worker to this state: SETs first, then DISABLE and PAUSE.</summary>
    public IReadOnlyList<AdminCommand> Replay()
    {
        var commands = new List<AdminCommand>();
        foreach (var (key, value) in _settings)
            commands.Add(new AdminCommand(AdminCommandKind.Set, Key: key, Value: value));
        foreach (var db in _disabled)
            commands.Add(new AdminCommand(AdminCommandKind.Disable, db));
        if (_pausedAll)
            commands.Add(new AdminCommand(AdminCommandKind.Pause));
        foreach (var db in _paused)
            commands.Add(new AdminCommand(AdminCommandKind.Pause, db));
        return commands;
    }

    public override string ToString() => string.Join(", ", Replay().Select(c => c.Kind switch
    {
        AdminCommandKind.Set => $"SET {c.Key} = {c.Value}",
        _ => $"{c.Kind.ToString().ToUpperInvariant()} {c.Database ?? "(all)"}",
    }));
}
