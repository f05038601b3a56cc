// The parameter names whose client values are tracked, shared by every session of one configuration: a set per
// session cost each idle client ~300 bytes for the same seven names.
using System.Runtime.CompilerServices;

namespace Pooler.Clients;

/// <summary>
/// PgBouncer's tracked parameters (client_encoding, DateStyle, TimeZone, IntervalStyle, standard_conforming_strings,
/// application_name, search_path) plus track_extra_parameters. Immutable; <see cref="For"/> hands out the same
/// instance as long as the configuration's list is the same object. Thread-safe.
/// </summary>
internal sealed class TrackedParameters
{
    public static readonly string[] DefaultTracked =
    [
        "client_encoding", "DateStyle", "TimeZone", "IntervalStyle", "standard_conforming_strings", "application_name",
        "search_path",
    ];

    private const int MaxSharedValues = 1024;
    private const int MaxSharedValueLength = 64;

    private static TrackedParameters? s_last;
    // Read and written by every loop that shares this configuration (tests run several in one process).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConditionalWeakTable<IReadOnlyList<KeyValuePair<string, string>>, KeyValuePair<string, string>[]> _defaults = new();

    private TrackedParameters(IReadOnlyList<string> extra)
    {
        Extra = extra;
        _names.UnionWith(DefaultTracked);
        _names.UnionWith(extra);
    }

    /// <summary>The track_extra_parameters list this set was built from.</summary>
    public IReadOnlyList<string> Extra { get; }

    /// <summary>The set for <paramref name="extra"/>, reused while the configuration (the list object) stays the same.</summary>
    public static TrackedParameters For(IReadOnlyList<string> extra)
    {
        var last = s_last;
        if (last is not null && ReferenceEquals(last.Extra, extra))
            return last;
        return s_last = new TrackedParameters(extra);
    }

    public bool Contains(string name) => _names.Contains(name);

    /// <summary>This set's own instance of a tracked name (any case), so that a client keeps no copy; null if untracked.</summary>
    public string? Canonical(string name) => _names.TryGetValue(name, out var own) ? own : null;

    /// <summary>
    /// A shared instance of a short value many clients send alike (application_name, client_encoding): each client
    /// would otherwise keep its own copy from its startup packet. Bounded, so odd values cannot grow it for ever.
    /// </summary>
    public string Share(string value)
    {
        if (value.Length > MaxSharedValueLength)
            return value;
        if (_values.TryGetValue(value, out var shared))
            return shared;
        if (_values.Count < MaxSharedValues)
            _values.TryAdd(value, value);
        return value;
    }

    /// <summary>
    /// The tracked entries of a pool's server parameter list (the values a client sees at login), computed once per
    /// list and shared by every client of that pool.
    /// </summary>
    public KeyValuePair<string, string>[] DefaultsFrom(IReadOnlyList<KeyValuePair<string, string>> serverParameters)
    {
        if (_defaults.TryGetValue(serverParameters, out var defaults))
            return defaults;
        defaults = serverParameters.Where(kv => Contains(kv.Key)).ToArray();
        _defaults.AddOrUpdate(serverParameters, defaults);
        return defaults;
    }
}
