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
/// <remarks>
/// Memory matters here (one per client, most of them idle): the tracked names and the pool's login values are
/// shared arrays, and only the values a client holds that differ from its pool's (often just application_name)
/// take room of its own: the first in a field, any others in a small array (an array of one costs 40 bytes).
/// </remarks>
internal sealed class ClientParameters
{
    private readonly TrackedParameters _tracked;
    // The tracked values the client was told at login (shared by the pool's clients); empty before login.
    private KeyValuePair<string, string>[] _defaults = [];
    // The client's own values where they differ from _defaults, _ownCount of them: the first in _own0, the others
    // in _more (OwnAt and SetOwnAt hide the split).
    private KeyValuePair<string, string> _own0;
    private KeyValuePair<string, string>[]? _more;
    private int _ownCount;
    private Dictionary<string, string>? _settings;

    public ClientParameters(IReadOnlyList<string> extraTracked)
        : this(TrackedParameters.For(extraTracked))
    {
    }

    public ClientParameters(TrackedParameters tracked) => _tracked = tracked;

    public bool IsTracked(string name) => _tracked.Contains(name);

    /// <summary>
    /// Login, once the pool is known: the server values of the tracked parameters the client did not set itself
    /// become what it believes.
    /// </summary>
    public void SetDefaults(IReadOnlyList<KeyValuePair<string, string>> serverParameters)
    {
        Version++;
        _defaults = _tracked.DefaultsFrom(serverParameters);
        for (var i = _ownCount - 1; i >= 0; i--)
        {
            if (DefaultOf(OwnAt(i).Key) == OwnAt(i).Value)
                RemoveOwnAt(i);
        }
    }

    /// <summary>Record what the client now believes (from its startup packet or a forwarded ParameterStatus).</summary>
    public void Set(string name, string value)
    {
        if (_tracked.Canonical(name) is not { } canonical)
            return;
        Version++;
        name = canonical;
        var i = IndexOfOwn(name);
        if (DefaultOf(name) == value)
        {
            if (i >= 0)
                RemoveOwnAt(i);
            return;
        }
        if (i >= 0)
        {
            SetOwnAt(i, new(OwnAt(i).Key, _tracked.Share(value)));
            return;
        }
        if (_ownCount > 0 && (_more is null || _ownCount - 1 == _more.Length))
            Array.Resize(ref _more, _ownCount == 1 ? 1 : (_ownCount - 1) * 2);
        SetOwnAt(_ownCount++, new(name, _tracked.Share(value)));
    }

    public string? Get(string name)
    {
        var i = IndexOfOwn(name);
        return i >= 0 ? OwnAt(i).Value : DefaultOf(name);
    }

    /// <summary>
    /// Settings the client changed with SET (observed in its statements and committed), as SQL text: name → value.
    /// These cover what the server does not report (search_path before PostgreSQL 18, statement_timeout, work_mem,
    /// role, ...); they take precedence over a startup value of the same name.
    /// </summary>
    public IReadOnlyDictionary<string, string> SessionSettings =>
        (IReadOnlyDictionary<string, string>?)_settings ?? System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    /// <summary>A committed SET / RESET / RESET ALL of the client's (for parameters the server does not report).</summary>
    public void Apply(SqlCommand command)
    {
        Version++;
        switch (command.Kind)
        {
            case SqlCommandKind.Set:
                (_settings ??= new(StringComparer.OrdinalIgnoreCase))[command.Name!] = command.Value!;
                break;
            case SqlCommandKind.Reset:
                _settings?.Remove(command.Name!);
                break;
            case SqlCommandKind.ResetAll when _settings is not null:
                foreach (var name in _settings.Keys.ToList())
                {
                    if (!SessionSettingsRules.SurvivesResetAll(name))
                        _settings.Remove(name);
                }
                break;
        }
    }

    /// <summary>DISCARD ALL: back to the session defaults (startup values stay: they are the defaults).</summary>
    public void ClearSessionSettings()
    {
        Version++;
        _settings = null;
    }

    /// <summary>Bumped by every change, so a server's record that it matched this state goes stale with it.</summary>
    public int Version { get; private set; }

    /// <summary>Whether BuildSync would say the same for this client as for <paramref name="other"/> on any server:
    /// the same tracked names, login values, own values and session settings.</summary>
    public bool SameSettingsAs(ClientParameters other)
    {
        if (!ReferenceEquals(_tracked, other._tracked) || _ownCount != other._ownCount
            || (_settings?.Count ?? 0) != (other._settings?.Count ?? 0))
            return false;
        if (!ReferenceEquals(_defaults, other._defaults))
        {
            if (_defaults.Length != other._defaults.Length)
                return false;
            for (var i = 0; i < _defaults.Length; i++)
            {
                if (_defaults[i].Key != other._defaults[i].Key || _defaults[i].Value != other._defaults[i].Value)
                    return false;
            }
        }
        for (var i = 0; i < _ownCount; i++)
        {
            var (name, value) = OwnAt(i);
            var j = other.IndexOfOwn(name);
            if (j < 0 || other.OwnAt(j).Value != value)
                return false;
        }
        if (_settings is not null)
        {
            foreach (var (name, value) in _settings)
            {
                if (!other._settings!.TryGetValue(name, out var theirs) || theirs != value)
                    return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The statements that bring <paramref name="server"/> to this client's settings, or null when in sync. Reported
    /// parameters are compared with what the server reported; for the others the server keeps a record of what the
    /// pooler (or a client's observed SET) changed there, and anything the client did not set is RESET.
    /// </summary>
    public string? BuildSync(ServerConnection server)
    {
        if (server.IsInSyncWith(this))
            return null;
        StringBuilder? sql = null;
        Dictionary<string, string>? wanted = null;
        foreach (var (name, value) in _defaults)
        {
            var i = IndexOfOwn(name);
            SyncValue(server, name, i >= 0 ? OwnAt(i).Value : value, ref sql, ref wanted);
        }
        for (var i = 0; i < _ownCount; i++)
        {
            var (ownName, ownValue) = OwnAt(i);
            if (IndexOfDefault(ownName) < 0)
                SyncValue(server, ownName, ownValue, ref sql, ref wanted);
        }
        if (_settings is not null)
        {
            foreach (var (name, value) in _settings)
                (wanted ??= new(StringComparer.OrdinalIgnoreCase))[name] = value;
        }
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
        if (sql is null)
            server.MarkInSyncWith(this);
        return sql?.ToString();
    }

    /// <summary>One tracked value: a SET when the server reported another value, or wanted when it does not report it.</summary>
    private static void SyncValue(ServerConnection server, string name, string value, ref StringBuilder? sql,
        ref Dictionary<string, string>? wanted)
    {
        if (!server.IsReported(name))
        {
            (wanted ??= new(StringComparer.OrdinalIgnoreCase))[name] = SessionSettingsRules.QuoteLiteral(value);
            return;
        }
        if (server.Parameters.TryGetValue(name, out var current) && current == value)
            return;
        sql ??= new StringBuilder();
        sql.Append("SET ").Append(SessionSettingsRules.QuoteIdentifier(name)).Append(" TO ")
            .Append(SessionSettingsRules.QuoteLiteral(value)).Append(';');
    }

    private string? DefaultOf(string name)
    {
        var i = IndexOfDefault(name);
        return i >= 0 ? _defaults[i].Value : null;
    }

    private int IndexOfDefault(string name)
    {
        for (var i = 0; i < _defaults.Length; i++)
        {
            if (string.Equals(_defaults[i].Key, name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }

    private int IndexOfOwn(string name)
    {
        for (var i = 0; i < _ownCount; i++)
        {
            if (string.Equals(OwnAt(i).Key, name, StringComparison.OrdinalIgnoreCase))
                return i;
        }
        return -1;
    }

    private KeyValuePair<string, string> OwnAt(int i) => i == 0 ? _own0 : _more![i - 1];

    private void SetOwnAt(int i, KeyValuePair<string, string> value)
    {
        if (i == 0)
            _own0 = value;
        else
            _more![i - 1] = value;
    }

    private void RemoveOwnAt(int i)
    {
        _ownCount--;
        SetOwnAt(i, OwnAt(_ownCount));
        SetOwnAt(_ownCount, default);
    }
}
