// The TLS settings in effect for an options snapshot: loaded once per snapshot, so a reload re-reads the files,
// and a reload whose files are bad keeps the previous certificates.
using System.Runtime.CompilerServices;
using Pooler.Config;
using Serilog;

namespace Pooler.Tls;

/// <summary>
/// Keyed by the PoolerOptions instance: every reload binds a new one, so the first connection after a reload loads
/// the files again. Thread-safe (workers and the supervisor may ask at once).
/// </summary>
internal static class TlsRegistry
{
    private static readonly ConditionalWeakTable<PoolerOptions, TlsSettings> s_bySnapshot = new();
    private static readonly Lock s_lock = new();
    private static TlsSettings? s_lastGood;

    // Last good settings per certificate path as well: one process runs one configuration, but tests run many
    // poolers at once, and a bad reload of one must fall back to its own previous certificate.
    private static readonly Dictionary<string, TlsSettings> s_lastGoodByCert = new(StringComparer.Ordinal);

    /// <summary>The settings for <paramref name="options"/>; on a load error the last good settings (logged once).</summary>
    public static TlsSettings For(PoolerOptions options, ILogger log)
    {
        if (s_bySnapshot.TryGetValue(options, out var settings))
            return settings;
        Reload(options, log);
        return s_bySnapshot.TryGetValue(options, out settings) ? settings : TlsSettings.Off;
    }

    /// <summary>
    /// Load the files of a new snapshot now (the reload entry calls this so errors show at reload). Returns the
    /// errors as "key: message"; empty when the new certificates are in use.
    /// </summary>
    public static IReadOnlyList<string> Reload(PoolerOptions options, ILogger log)
    {
        var errors = new List<(string Key, string Message)>();
        var loaded = TlsSettings.Load(options, errors);
        lock (s_lock)
        {
            var certKey = options.ClientTlsCertFile ?? options.ServerTlsCertFile ?? "";
            if (errors.Count == 0)
            {
                s_lastGood = loaded;
                s_lastGoodByCert[certKey] = loaded;
                s_bySnapshot.AddOrUpdate(options, loaded);
                return [];
            }
            var kept = s_lastGoodByCert.GetValueOrDefault(certKey) ?? s_lastGood ?? loaded;
            s_bySnapshot.AddOrUpdate(options, kept);
            foreach (var (key, message) in errors)
                log.Error("TLS: {Key}: {Message}; {Action}", key, message,
                    s_lastGood is null ? "TLS settings loaded without it" : "keeping the previous TLS certificates");
            return errors.Select(e => $"{e.Key}: {e.Message}").ToList();
        }
    }
}
