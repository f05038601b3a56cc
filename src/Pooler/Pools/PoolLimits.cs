// The resolved limits of one pool, decoupled from the config records so the pool core is testable alone.
namespace Pooler.Pools;

/// <summary>Effective settings of one pool after user → database → global resolution.</summary>
internal sealed record PoolLimits
{
    /// <summary>Servers the pool may hold in normal operation (pool_size / default_pool_size).</summary>
    public int PoolSize { get; init; } = 20;

    /// <summary>Servers kept open even with no clients (min_pool_size).</summary>
    public int MinPoolSize { get; init; }

    /// <summary>Extra servers allowed once a client has waited <see cref="ReservePoolTimeout"/>.</summary>
    public int ReservePoolSize { get; init; }

    public TimeSpan ReservePoolTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Servers across every pool of this database; 0 = unlimited.</summary>
    public int MaxDbConnections { get; init; }

    /// <summary>Servers across every pool of this user; 0 = unlimited.</summary>
    public int MaxUserConnections { get; init; }

    /// <summary>How long a client may wait for a server before it gets an error; zero = forever.</summary>
    public TimeSpan QueryWaitTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>First back-off after a failed login (server_login_retry); doubles per failure up to the cap.</summary>
    public TimeSpan ServerLoginRetry { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Close an idle server after this long, down to <see cref="MinPoolSize"/> (server_idle_timeout); zero = never.
    /// Zero by default here so pool unit tests opt in; the configured value comes through PoolDirectory.</summary>
    public TimeSpan ServerIdleTimeout { get; init; }

    /// <summary>Close a server connected longer than this when it is released or sits idle (server_lifetime); zero = never.</summary>
    public TimeSpan ServerLifetime { get; init; }

    /// <summary>Query run on a server idle at least <see cref="ServerCheckDelay"/> before it is handed out; null = no checks.</summary>
    public string? ServerCheckQuery { get; init; }

    /// <summary>How long a released server may be reused without server_check_query; zero = check every reuse from idle.</summary>
    public TimeSpan ServerCheckDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>"host:port" of the PostgreSQL server, the unit of the login throttle and host back-off.</summary>
    public string HostKey { get; init; } = "127.0.0.1:5432";

    /// <summary>
    /// The cap of the doubling back-off: the larger of server_login_retry and 60 s, so the default 15 s goes
    /// 15 → 30 → 60 → 60 and a short retry setting cannot back off for hours.
    /// </summary>
    public TimeSpan LoginRetryCap => ServerLoginRetry > TimeSpan.FromSeconds(60) ? ServerLoginRetry : TimeSpan.FromSeconds(60);
}
