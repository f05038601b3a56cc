// Parses `pooler bench` arguments pgbench-style: short options with a separate or attached value (-c 4, -c4),
// long options (--client=4, --client 4), a trailing database name, and PG* environment defaults.
using System.Globalization;
using Pooler.Io;

namespace Pooler.Bench;

/// <summary>Command-line parsing for <c>pooler bench</c>; a mistake is a message, never an exception.</summary>
public static class BenchArgs
{
    /// <summary>Options taking a value: every spelling maps to one canonical short name.</summary>
    private static readonly Dictionary<string, char> ValueOptions = new()
    {
        ["-h"] = 'h', ["--host"] = 'h', ["-p"] = 'p', ["--port"] = 'p', ["-U"] = 'U', ["--username"] = 'U',
        ["-d"] = 'd', ["--dbname"] = 'd', ["-c"] = 'c', ["--client"] = 'c', ["-j"] = 'j', ["--jobs"] = 'j',
        ["-T"] = 'T', ["--time"] = 'T', ["-t"] = 't', ["--transactions"] = 't', ["-M"] = 'M', ["--mode"] = 'M',
        ["--protocol"] = 'M', ["-b"] = 'b', ["--builtin"] = 'b', ["-f"] = 'f', ["--file"] = 'f', ["-s"] = 's',
        ["--scale"] = 's', ["-R"] = 'R', ["--rate"] = 'R', ["-P"] = 'P', ["--progress"] = 'P', ["--io-backend"] = 'B',
    };

    private static readonly Dictionary<string, char> FlagOptions = new()
    {
        ["-C"] = 'C', ["--connect"] = 'C', ["-i"] = 'i', ["--initialize"] = 'i', ["--json"] = 'J', ["-S"] = 'S',
        ["--select-only"] = 'S', ["-N"] = 'N', ["--skip-some-updates"] = 'N',
    };

    /// <summary>Parses <paramref name="args"/>; returns the options, or null and a message for exit code 2.</summary>
    public static (BenchOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> env)
    {
        var o = new BenchOptions();
        var user = env("PGUSER") ?? DefaultUser();
        string? database = env("PGDATABASE");
        bool sawT = false, sawLowerT = false, sawDatabaseArgument = false;
        string? host = env("PGHOST"), port = env("PGPORT");

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (FlagOptions.TryGetValue(arg, out var flag))
            {
                o = flag switch
                {
                    'C' => o with { ConnectPerTransaction = true },
                    'i' => o with { Initialize = true },
                    'J' => o with { Json = true },
                    'S' => o with { Builtin = BuiltinScripts.SelectOnly, ScriptFile = null },
                    _ => o with { Builtin = BuiltinScripts.SimpleUpdate, ScriptFile = null },
                };
                continue;
            }
            if (!SplitValueOption(args, ref i, out var name, out var value, out var error))
            {
                if (error is not null)
                    return (null, error);
                if (arg.StartsWith('-') && arg.Length > 1)
                    return (null, $"unknown option '{arg}'");
                if (sawDatabaseArgument)
                    return (null, $"unexpected argument '{arg}'");
                sawDatabaseArgument = true;
                database = arg;
                continue;
            }
            switch (name)
            {
                case 'h': host = value; break;
                case 'p': port = value; break;
                case 'U': user = value; break;
                case 'd': database = value; break;
                case 'c':
                    if (!PositiveInt(value, out var c)) return (null, $"invalid number of clients: '{value}'");
                    o = o with { Clients = c };
                    break;
                case 'j':
                    if (!PositiveInt(value, out var j)) return (null, $"invalid number of threads: '{value}'");
                    o = o with { Threads = j };
                    break;
                case 'T':
                    if (!PositiveInt(value, out var secs)) return (null, $"invalid duration: '{value}'");
                    o = o with { Duration = TimeSpan.FromSeconds(secs) };
                    sawT = true;
                    break;
                case 't':
                    if (!PositiveInt(value, out var t)) return (null, $"invalid number of transactions: '{value}'");
                    o = o with { TransactionsPerClient = t };
                    sawLowerT = true;
                    break;
                case 'M':
                    if (!Enum.TryParse<QueryMode>(value, ignoreCase: true, out var mode) || !Enum.IsDefined(mode) || int.TryParse(value, out _))
                        return (null, $"invalid query mode '{value}' (simple, extended or prepared)");
                    o = o with { Mode = mode };
                    break;
                case 'b':
                    if (BuiltinScripts.Find(value) is not { } builtin)
                        return (null, $"unknown builtin script '{value}' ({string.Join(", ", BuiltinScripts.Names)})");
                    o = o with { Builtin = builtin, ScriptFile = null };
                    break;
                case 'f':
                    o = o with { ScriptFile = value };
                    break;
                case 's':
                    if (!PositiveInt(value, out var s)) return (null, $"invalid scale factor: '{value}'");
                    o = o with { Scale = s };
                    break;
                case 'R':
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || !(r > 0) || double.IsInfinity(r))
                        return (null, $"invalid rate: '{value}'");
                    o = o with { Rate = r };
                    break;
                case 'B':
                    if (ParseBackend(value) is not { } backend)
                        return (null, $"invalid io backend '{value}' (auto, io_uring, epoll or portable)");
                    o = o with { Backend = backend };
                    break;
                case 'P':
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || !(p > 0) || double.IsInfinity(p))
                        return (null, $"invalid progress interval: '{value}'");
                    o = o with { ProgressInterval = p };
                    break;
            }
        }

        if (sawT && sawLowerT)
            return (null, "specify either a number of transactions (-t) or a duration (-T), not both");
        if (host is not null)
        {
            if (host.Length == 0) return (null, "empty host name");
            o = o with { Host = host };
        }
        else if (!Directory.Exists(o.Host))
            o = o with { Host = "127.0.0.1" };
        if (port is not null)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var pn) || pn is < 1 or > 65535)
                return (null, $"invalid port: '{port}'");
            o = o with { Port = pn };
        }
        if (user.Length == 0)
            return (null, "empty user name");
        o = o with { User = user, Database = database ?? user };
        if (o.Threads > o.Clients)
            o = o with { Threads = o.Clients };   // as pgbench does: a thread without clients would idle
        var password = env("PGPASSWORD") ?? PgPass.Find(env, o.IsUnixSocket ? "localhost" : o.Host, o.Port, o.Database, o.User);
        return (o with { Password = password }, null);
    }

    /// <summary>True when args[i] is a value option; the value is attached (-c4, --client=4) or the next argument.</summary>
    private static bool SplitValueOption(IReadOnlyList<string> args, ref int i, out char name, out string value, out string? error)
    {
        var arg = args[i];
        name = default;
        value = "";
        error = null;
        string key = arg;
        string? attached = null;
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            var eq = arg.IndexOf('=');
            if (eq > 0) { key = arg[..eq]; attached = arg[(eq + 1)..]; }
        }
        else if (arg.Length > 2 && arg[0] == '-' && !char.IsDigit(arg[1]))
        {
            key = arg[..2];
            attached = arg[2..];
        }
        if (!ValueOptions.TryGetValue(key, out name))
            return false;
        if (attached is not null)
        {
            value = attached;
            return true;
        }
        if (i + 1 >= args.Count)
        {
            error = $"option '{arg}' needs a value";
            return false;
        }
        value = args[++i];
        return true;
    }

    private static EvBackend? ParseBackend(string text) => text switch
    {
        "auto" => EvBackend.Auto,
        "io_uring" or "iouring" => EvBackend.IoUring,
        "epoll" => EvBackend.Epoll,
        "portable" => EvBackend.Portable,
        _ => null,
    };

    private static bool PositiveInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;

    private static string DefaultUser()
    {
        try { return Environment.UserName; }
        catch (InvalidOperationException) { return "postgres"; }
    }
}
