// The client-visible parameters a client set for itself, re-applied on whichever server it gets next.
using System.Text;
using Pooler.Servers;

namespace Pooler.Clients;

/// <summary>
/// Tracks the values a client believes are in force for the parameters PgBouncer tracks (client_encoding, DateStyle,
/// TimeZone, IntervalStyle, standard_conforming_strings, application_name, search_path, plus track_extra_parameters).
/// When the client gets a server whose values differ, <see cref="BuildSync"/> makes the SET statements that bring
/// that server to the client's values before its query runs.
/// </summary>
internal sealed class ClientParameters
{
    public static readonly string[] DefaultTracked =
    [
        "client_encoding", "DateStyle", "TimeZone", "IntervalStyle", "standard_conforming_strings", "application_name",
        "search_path",
    ];

    private readonly HashSet<string> _tracked = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public ClientParameters(IEnumerable<string> extraTracked)
    {
        _tracked.UnionWith(DefaultTracked);
        _tracked.UnionWith(extraTracked);
    }

    public bool IsTracked(string name) => _tracked.Contains(name);

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Record what the client now believes (from its startup packet or a forwarded ParameterStatus).</summary>
    public void Set(string name, string value)
    {
        if (_tracked.Contains(name))
            _values[name] = value;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>
    /// SET statements for every tracked value that differs on <paramref name="server"/>, or null when in sync.
    /// Values the server does not report are assumed on the server once set, since it cannot tell us otherwise.
    /// </summary>
    public string? BuildSync(ServerConnection server)
    {
        StringBuilder? sql = null;
        foreach (var (name, value) in _values)
        {
            if (server.Parameters.TryGetValue(name, out var current) && current == value)
                continue;
            sql ??= new StringBuilder();
            sql.Append("SET ").Append(QuoteIdentifier(name)).Append(" TO ").Append(QuoteLiteral(value)).Append(';');
            if (!server.Parameters.ContainsKey(name) || IsUnreported(server, name))
                server.AssumeParameter(name, value);
        }
        return sql?.ToString();
    }

    private static bool IsUnreported(ServerConnection server, string name)
    {
        foreach (var (n, _) in server.ParameterList())
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
                return false;
        }
        return true;
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    /// <summary>
    /// An escape-string literal (E'...'), so the meaning does not depend on standard_conforming_strings, which is
    /// itself one of the values being set.
    /// </summary>
    private static string QuoteLiteral(string value) => "E'" + value.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
