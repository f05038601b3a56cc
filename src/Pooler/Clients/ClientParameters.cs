// The client-visible parameters a client set for itself, re-applied on whichever server it gets next.
using System.Text;
using Pooler.Prepared;
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
    /// Settings the client changed with SET (observed in its statements and committed), as SQL text: name → value.
    /// These cover what the server does not report (search_path before PostgreSQL 18, statement_timeout, work_mem,
    /// role, ...); they take precedence over a startup value of the same name.
    /// </summary>
    public IReadOnlyDictionary<string, string> SessionSettings => _settings;

    private readonly Dictionary<string, string> _settings = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A committed SET / RESET / RESET ALL of the client's (for parameters the server does not report).</summary>
    public void Apply(SqlCommand command)
    {
        switch (command.Kind)
        {
            case SqlCommandKind.Set:
                _settings[command.Name!] = command.Value!;
                break;
            case SqlCommandKind.Reset:
                _settings.Remove(command.Name!);
                break;
            case SqlCommandKind.ResetAll:
                foreach (var name in _settings.Keys.ToList())
                {
                    if (!SessionSettingsRules.SurvivesResetAll(name))
                        _settings.Remove(name);
                }
                break;
        }
    }

    /// <summary>DISCARD ALL: back to the session defaults (startup values stay: they are the defaults).</summary>
    public void ClearSessionSettings() => _settings.Clear();

    /// <summary>
    /// The statements that bring <paramref name="server"/> to this client's settings, or null when in sync. Reported
    /// parameters are compared with what the server reported; for the others the server keeps a record of what the
    /// pooler (or a client's observed SET) changed there, and anything the client did not set is RESET.
    /// </summary>
    public string? BuildSync(ServerConnection server)
    {
        StringBuilder? sql = null;
        Dictionary<string, string>? wanted = null;
        foreach (var (name, value) in _values)
        {
            if (!server.IsReported(name))
            {
                (wanted ??= new(StringComparer.OrdinalIgnoreCase))[name] = SessionSettingsRules.QuoteLiteral(value);
                continue;
            }
            if (server.Parameters.TryGetValue(name, out var current) && current == value)
                continue;
            sql ??= new StringBuilder();
            sql.Append("SET ").Append(SessionSettingsRules.QuoteIdentifier(name)).Append(" TO ")
                .Append(SessionSettingsRules.QuoteLiteral(value)).Append(';');
        }
        foreach (var (name, value) in _settings)
            (wanted ??= new(StringComparer.OrdinalIgnoreCase))[name] = value;
        if (wanted is not null)
        {
            foreach (var (name, value) in wanted)
            {
                if (server.SessionSettings.TryGetValue(name, out var current) && current == value)
                    continue;
                (sql ??= new StringBuilder()).Append(SessionSettingsRules.SetStatement(name, value)).Append(';');
                server.RecordSessionSetting(name, value);
            }
        }
        if (server.SessionSettings.Count > 0)
        {
            foreach (var name in server.SessionSettings.Keys.ToList())
            {
                if (wanted is not null && wanted.ContainsKey(name))
                    continue;
                (sql ??= new StringBuilder()).Append(SessionSettingsRules.ResetStatement(name)).Append(';');
                server.ForgetSessionSetting(name);
            }
        }
        return sql?.ToString();
    }
}
