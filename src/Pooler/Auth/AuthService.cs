// Client authentication state shared by one loop's sessions: auth_file, hba rules, auth_query cache, back-off, roles.
using Pooler.Config;
using Pooler.Pools;
using Serilog;

namespace Pooler.Auth;

/// <summary>
/// Built from a configuration snapshot; <see cref="Reload"/> re-reads auth_file and auth_hba_file and forgets cached
/// auth_query results (the reload code calls it). Sessions ask it for the method, the secret, and their turn after
/// failures. Loop-thread only.
/// </summary>
internal sealed class AuthService
{
    private readonly ILogger _log;
    private readonly AuthQueryCache _queryCache;
    private PoolerConfig _config = new();
    private AuthFile? _authFile;
    private HbaFile? _hba;

    public AuthService(PoolerConfig config, ILogger log, TimeProvider time)
    {
        _log = log;
        _queryCache = new AuthQueryCache(log);
        Backoff = new LoginBackoff(time);
        Reload(config);
    }

    public PoolerOptions Options => _config.Pooler;

    public AuthType AuthType => _config.Pooler.AuthType;

    /// <summary>The rules of auth_hba_file, or null when none is configured.</summary>
    public HbaFile? Hba => _hba;

    public LoginBackoff Backoff { get; }

    /// <summary>auth_query results currently cached (for tests and SHOW commands).</summary>
    public int CachedQueryResults => _queryCache.Count;

    /// <summary>Take a new configuration: re-read auth_file and auth_hba_file, drop auth_query results. The failure
    /// back-off is kept: a reload must not give a guessing address a fresh start.</summary>
    public void Reload(PoolerConfig config)
    {
        _config = config;
        var p = config.Pooler;
        _authFile = null;
        if (!string.IsNullOrEmpty(p.AuthFile))
        {
            _authFile = AuthFile.Load(p.AuthFile);
            foreach (var error in _authFile.Errors)
                _log.Warning("auth_file {Path} line {Line}: {Error}", p.AuthFile, error.Line, error.Message);
        }
        _hba = null;
        if (!string.IsNullOrEmpty(p.AuthHbaFile))
        {
            _hba = HbaFile.Load(p.AuthHbaFile);
            foreach (var error in _hba.Errors)
                _log.Warning("auth_hba_file {Path} {Error}", p.AuthHbaFile, error);
        }
        Invalidate();
    }

    /// <summary>Forget cached auth_query results (e.g. after passwords changed on the server).</summary>
    public void Invalidate() => _queryCache.Invalidate();

    /// <summary>True for a user named in admin_users: every admin console command.</summary>
    public bool IsAdmin(string user) => _config.Pooler.AdminUsers.Contains(user, StringComparer.Ordinal);

    /// <summary>True for a user named in stats_users: the admin console's read-only SHOW commands. Admin users may
    /// run those too; check <see cref="IsAdmin"/> first.</summary>
    public bool IsStatsUser(string user) => _config.Pooler.StatsUsers.Contains(user, StringComparer.Ordinal);

    /// <summary>The auth_file secret of <paramref name="user"/> as written (for server logins), or null.</summary>
    public string? FileSecret(string user) => _authFile?.Find(user)?.Secret;

    /// <summary>True when an auth_file is configured (trust then still requires the user to be listed).</summary>
    public bool HasAuthFile => _authFile is not null;

    /// <summary>The auth_user for auth_query on a database entry: its own, else [pooler]'s; null disables auth_query.</summary>
    public string? AuthUserFor(string database) => _config.FindDatabase(database)?.AuthUser ?? _config.Pooler.AuthUser;

    /// <summary>
    /// The secret of <paramref name="user"/>: auth_file first, then auth_query through <paramref name="authPool"/>
    /// (the pool of the database's auth_user; null when auth_query is off).
    /// </summary>
    public ValueTask<SecretLookup> LookupAsync(string database, string user, Func<string, Pool?> authPool)
    {
        if (_authFile?.Find(user) is { } entry)
            return ValueTask.FromResult(SecretLookup.Found(StoredSecret.From(entry.Secret)));
        if (AuthUserFor(database) is not { } authUser)
            return ValueTask.FromResult(SecretLookup.Unknown);
        // No pool to ask (the admin console's virtual database): only auth_file users exist there, as in PgBouncer.
        if (authPool(authUser) is not { } pool)
            return ValueTask.FromResult(SecretLookup.Unknown);
        return new ValueTask<SecretLookup>(_queryCache.LookupAsync(database, user, pool, _config.Pooler.AuthQuery));
    }
}
