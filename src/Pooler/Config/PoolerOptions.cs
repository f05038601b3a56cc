// The [pooler] section: process-wide settings, with PgBouncer's names and defaults unless noted as ours.
namespace Pooler.Config;

/// <summary>
/// Global settings from the <c>[pooler]</c> TOML section. A <c>new PoolerOptions()</c> holds every default, so the
/// defaults documented here are the ones the loader applies. Durations are TOML numbers of seconds (int or float)
/// unless noted; a zero duration or zero limit means "off" / "unlimited" where said.
/// </summary>
public sealed record PoolerOptions
{
    // ---- Listeners and processes ----

    /// <summary>listen_addr: addresses to accept TCP clients on. TOML: a comma-separated string or an array.
    /// "*" means every IPv4 and IPv6 address; an empty list means Unix socket only. Default: ["127.0.0.1"].</summary>
    public IReadOnlyList<string> ListenAddr { get; init; } = ["127.0.0.1"];

    /// <summary>listen_port: TCP port, also the number in the Unix socket name .s.PGSQL.&lt;port&gt;. Default: 6432.</summary>
    public int ListenPort { get; init; } = 6432;

    /// <summary>unix_socket_dir: directory of the Unix socket; null (TOML "") disables it. Default: "/tmp".</summary>
    public string? UnixSocketDir { get; init; } = "/tmp";

    /// <summary>unix_socket_mode: permissions of the Unix socket. TOML: an octal string ("0777") or an integer.
    /// Default: 0777 (as PgBouncer: access is controlled by authentication, not by file mode).</summary>
    public UnixFileMode UnixSocketMode { get; init; } = (UnixFileMode)0x1FF;

    /// <summary>workers (ours): number of worker processes; 0 runs everything in one process.
    /// Default: the number of CPUs.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>workers_accept (ours, workers &gt; 0): each worker accepts TCP clients itself from its own SO_REUSEPORT
    /// socket on every listen address (the supervisor creates them and keeps them open, and accepts from a worker's
    /// socket while that worker is down or starting), so a new connection costs no hop through the supervisor; the
    /// kernel spreads clients over the workers by address hash. false: the supervisor accepts every client and
    /// routes it to the worker already serving its pool. The Unix socket always goes through the supervisor.
    /// Ignored with ev_backend = portable. Default: true.</summary>
    public bool WorkersAccept { get; init; } = true;

    /// <summary>ev_backend (ours): event backend. Default: auto (io_uring, then epoll, then portable).</summary>
    public EventBackendKind EvBackend { get; init; } = EventBackendKind.Auto;

    // ---- Pools and limits ----

    /// <summary>pool_mode: when a server returns to the pool. Default: session (as PgBouncer).</summary>
    public PoolMode PoolMode { get; init; } = PoolMode.Session;

    /// <summary>default_pool_size: server connections per (database, user) pool. Default: 20.</summary>
    public int DefaultPoolSize { get; init; } = 20;

    /// <summary>min_pool_size: server connections kept open per pool even when unused. Default: 0.</summary>
    public int MinPoolSize { get; init; }

    /// <summary>reserve_pool_size: extra connections a pool may open when clients wait longer than
    /// reserve_pool_timeout. Default: 0 (off).</summary>
    public int ReservePoolSize { get; init; }

    /// <summary>reserve_pool_timeout: how long a client waits before the reserve pool is used. Default: 5 s.</summary>
    public TimeSpan ReservePoolTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>max_client_conn: client connections accepted in total; more get 53300. Default: 100.</summary>
    public int MaxClientConn { get; init; } = 100;

    /// <summary>max_db_connections: server connections per database over all its pools. Default: 0 (unlimited).</summary>
    public int MaxDbConnections { get; init; }

    /// <summary>max_user_connections: server connections per user over all its pools. Default: 0 (unlimited).</summary>
    public int MaxUserConnections { get; init; }

    /// <summary>max_db_client_connections: client connections per database. Default: 0 (unlimited).</summary>
    public int MaxDbClientConnections { get; init; }

    /// <summary>max_user_client_connections: client connections per user. Default: 0 (unlimited).</summary>
    public int MaxUserClientConnections { get; init; }

    /// <summary>max_server_connects_per_host (ours): server logins in flight per PostgreSQL host, so a restart
    /// does not meet a storm of logins. Default: 8.</summary>
    public int MaxServerConnectsPerHost { get; init; } = 8;

    // ---- Server connections ----

    /// <summary>server_reset_query: run when a session-mode client releases its server. Default: "DISCARD ALL".
    /// Null (TOML "") disables it.</summary>
    public string? ServerResetQuery { get; init; } = "DISCARD ALL";

    /// <summary>server_reset_query_always: also run the reset query in transaction and statement modes.
    /// Default: false.</summary>
    public bool ServerResetQueryAlways { get; init; }

    /// <summary>server_check_query: health check for a server idle longer than server_check_delay.
    /// Default: "select 1". Null (TOML "") disables checks.</summary>
    public string? ServerCheckQuery { get; init; } = "select 1";

    /// <summary>server_check_delay: idle time after which a server is checked before reuse. Default: 30 s.</summary>
    public TimeSpan ServerCheckDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>server_lifetime: a server older than this is closed when released. Default: 3600 s; 0 = forever.</summary>
    public TimeSpan ServerLifetime { get; init; } = TimeSpan.FromSeconds(3600);

    /// <summary>server_idle_timeout: an unused server is closed after this long. Default: 600 s; 0 = never.</summary>
    public TimeSpan ServerIdleTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>server_connect_timeout: limit for connecting and logging in to a server. Default: 15 s.</summary>
    public TimeSpan ServerConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>server_login_retry: back-off after a failed server login (doubles up to a cap). Default: 15 s.</summary>
    public TimeSpan ServerLoginRetry { get; init; } = TimeSpan.FromSeconds(15);

    // ---- Client timeouts ----

    /// <summary>client_login_timeout: a client must finish its login within this. Default: 60 s; 0 = no limit.</summary>
    public TimeSpan ClientLoginTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>client_idle_timeout: close clients idle longer than this. Default: 0 (never).</summary>
    public TimeSpan ClientIdleTimeout { get; init; }

    /// <summary>query_timeout: cancel queries running longer than this. Default: 0 (never).</summary>
    public TimeSpan QueryTimeout { get; init; }

    /// <summary>query_wait_timeout: a client waiting this long for a server gets an error. Default: 120 s;
    /// 0 = wait forever.</summary>
    public TimeSpan QueryWaitTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>idle_transaction_timeout: close clients idle inside a transaction this long. Default: 0 (never).</summary>
    public TimeSpan IdleTransactionTimeout { get; init; }

    /// <summary>cancel_wait_timeout: limit for forwarding a cancel request. Default: 10 s; 0 = no limit.</summary>
    public TimeSpan CancelWaitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>shutdown_timeout (ours): how long a graceful shutdown waits for transactions. Default: 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    // ---- Authentication ----

    /// <summary>auth_type: client authentication method. Default: md5 (as PgBouncer).</summary>
    public AuthType AuthType { get; init; } = AuthType.Md5;

    /// <summary>auth_file: userlist.txt with client secrets; a relative path is resolved against the config
    /// file's directory. Default: null (none).</summary>
    public string? AuthFile { get; init; }

    /// <summary>auth_hba_file: pg_hba.conf-style rules for auth_type "hba"; relative to the config file.
    /// Default: null.</summary>
    public string? AuthHbaFile { get; init; }

    /// <summary>auth_query: looks up a secret by user name on the target database, run as auth_user.</summary>
    public string AuthQuery { get; init; } = "SELECT usename, passwd FROM pg_shadow WHERE usename=$1";

    /// <summary>auth_user: the user that runs auth_query; null disables auth_query. Default: null.</summary>
    public string? AuthUser { get; init; }

    /// <summary>admin_users: users allowed every admin console command. Default: none.</summary>
    public IReadOnlyList<string> AdminUsers { get; init; } = [];

    /// <summary>stats_users: users allowed the admin console's read-only SHOW commands. Default: none.</summary>
    public IReadOnlyList<string> StatsUsers { get; init; } = [];

    // ---- Protocol limits and features ----

    /// <summary>max_packet_size: largest protocol message accepted, in bytes. Default: 2147483647.</summary>
    public int MaxPacketSize { get; init; } = int.MaxValue;

    /// <summary>max_startup_packet_size (ours): largest startup packet accepted, in bytes; checked before the
    /// client has authenticated, hence small. Default: 10000.</summary>
    public int MaxStartupPacketSize { get; init; } = 10000;

    /// <summary>pkt_buf: size of the per-connection I/O buffer, in bytes. Default: 4096.</summary>
    public int PktBuf { get; init; } = 4096;

    /// <summary>max_prepared_statements: per-server LRU of prepared statements in transaction and statement
    /// modes; 0 disables tracking. Default: 200.</summary>
    public int MaxPreparedStatements { get; init; } = 200;

    /// <summary>application_name_add_host: append " - host:port" of the client to application_name.
    /// Default: false.</summary>
    public bool ApplicationNameAddHost { get; init; }

    /// <summary>ignore_startup_parameters: startup parameters accepted and ignored instead of refused.
    /// TOML: an array or a comma-separated string. Default: none.</summary>
    public IReadOnlyList<string> IgnoreStartupParameters { get; init; } = [];

    /// <summary>track_extra_parameters: parameters restored per client besides the built-in ones.
    /// Default: ["IntervalStyle"] (as PgBouncer).</summary>
    public IReadOnlyList<string> TrackExtraParameters { get; init; } = ["IntervalStyle"];

    // ---- Logging ----

    /// <summary>log_connections: log each client login. Default: true.</summary>
    public bool LogConnections { get; init; } = true;

    /// <summary>log_disconnections: log each client disconnection with its reason. Default: true.</summary>
    public bool LogDisconnections { get; init; } = true;

    /// <summary>log_pooler_errors: log errors the pooler sends to clients. Default: true.</summary>
    public bool LogPoolerErrors { get; init; } = true;

    /// <summary>log_level (ours; PgBouncer has verbose=N): minimum level logged. Default: info.</summary>
    public PoolerLogLevel LogLevel { get; init; } = PoolerLogLevel.Info;

    /// <summary>logfile: also append the log to this file; null (TOML "") = stderr only. Default: null.</summary>
    public string? LogFile { get; init; }

    /// <summary>pidfile: write the process id here while running; null (TOML "") = none. Default: null.</summary>
    public string? PidFile { get; init; }

    // ---- Management and metrics ----

    /// <summary>management_socket (ours): path of the management Unix socket (mode 0600). TOML "" (the default)
    /// means <c>&lt;unix_socket_dir&gt;/.s.PGSQL.&lt;listen_port&gt;.mgmt</c>, or no socket when unix_socket_dir is
    /// disabled too. See <see cref="ManagementSocketPath"/> for the effective value.</summary>
    public string? ManagementSocket { get; init; }

    /// <summary>management_port (ours): TCP port for the management protocol (SCRAM required). Default: 0 (off).</summary>
    public int ManagementPort { get; init; }

    /// <summary>management_tls_sslmode (ours): TLS on management_port, with the client_tls_* certificate, key,
    /// protocols and ciphers. disable: clear text only; allow/prefer: TLS when the client starts it; require: a
    /// clear-text client is refused. Read per connection, so RELOAD applies it. Default: disable.</summary>
    public TlsMode ManagementTlsSslMode { get; init; } = TlsMode.Disable;

    /// <summary>metrics_port (ours): Prometheus endpoint port. Default: 0 (off).</summary>
    public int MetricsPort { get; init; }

    /// <summary>metrics_addr (ours): address of the Prometheus endpoint; null = the first listen_addr.
    /// Default: null.</summary>
    public string? MetricsAddr { get; init; }

    // ---- TCP ----

    /// <summary>tcp_defer_accept: TCP_DEFER_ACCEPT on the TCP listeners (Linux), as PgBouncer sets it: a client is
    /// accepted once its first packet has arrived, so accepting and reading it is one wake-up instead of two (a
    /// client that connects and says nothing waits in the kernel, up to about 45 s, before client_login_timeout
    /// starts). Default: true.</summary>
    public bool TcpDeferAccept { get; init; } = true;

    /// <summary>tcp_keepalive: enable TCP keepalive on client and server sockets. Default: true.</summary>
    public bool TcpKeepalive { get; init; } = true;

    /// <summary>tcp_keepidle: idle time before the first keepalive probe. Default: 0 (OS default).</summary>
    public TimeSpan TcpKeepIdle { get; init; }

    /// <summary>tcp_keepintvl: time between keepalive probes. Default: 0 (OS default).</summary>
    public TimeSpan TcpKeepIntvl { get; init; }

    /// <summary>tcp_keepcnt: unanswered probes before the connection is dropped. Default: 0 (OS default).</summary>
    public int TcpKeepCnt { get; init; }

    /// <summary>tcp_user_timeout: TCP_USER_TIMEOUT. In TOML this one is in MILLISECONDS, as in PgBouncer.
    /// Default: 0 (OS default).</summary>
    public TimeSpan TcpUserTimeout { get; init; }

    // ---- TLS ----

    /// <summary>client_tls_sslmode: TLS toward clients. Default: disable.</summary>
    public TlsMode ClientTlsSslMode { get; init; } = TlsMode.Disable;

    /// <summary>client_tls_key_file: private key for client TLS; required when client TLS is on.</summary>
    public string? ClientTlsKeyFile { get; init; }

    /// <summary>client_tls_cert_file: certificate for client TLS; required when client TLS is on.</summary>
    public string? ClientTlsCertFile { get; init; }

    /// <summary>client_tls_ca_file: CA that signs client certificates (verify-ca, verify-full, cert auth).</summary>
    public string? ClientTlsCaFile { get; init; }

    /// <summary>client_tls_protocols: "secure" (TLS 1.2+), "all", "legacy", or a list such as "tlsv1.2,tlsv1.3".
    /// Default: "secure".</summary>
    public string ClientTlsProtocols { get; init; } = "secure";

    /// <summary>client_tls_ciphers: cipher list; "default" leaves the platform's choice. Default: "default".</summary>
    public string ClientTlsCiphers { get; init; } = "default";

    /// <summary>server_tls_sslmode: TLS toward PostgreSQL. Default: prefer (as PgBouncer).</summary>
    public TlsMode ServerTlsSslMode { get; init; } = TlsMode.Prefer;

    /// <summary>server_tls_ca_file: CA for verifying servers; null = the system store.</summary>
    public string? ServerTlsCaFile { get; init; }

    /// <summary>server_tls_key_file: client key presented to servers. Default: null.</summary>
    public string? ServerTlsKeyFile { get; init; }

    /// <summary>server_tls_cert_file: client certificate presented to servers. Default: null.</summary>
    public string? ServerTlsCertFile { get; init; }

    /// <summary>server_tls_protocols: as client_tls_protocols, toward servers. Default: "secure".</summary>
    public string ServerTlsProtocols { get; init; } = "secure";

    /// <summary>server_tls_ciphers: as client_tls_ciphers, toward servers. Default: "default".</summary>
    public string ServerTlsCiphers { get; init; } = "default";

    /// <summary>The management socket path in effect: management_socket when set, else derived from
    /// unix_socket_dir and listen_port, else null (no management socket).</summary>
    public string? ManagementSocketPath =>
        ManagementSocket ?? (UnixSocketDir is null ? null : Path.Combine(UnixSocketDir, $".s.PGSQL.{ListenPort}.mgmt"));

    /// <summary>The client Unix socket path in effect, or null when Unix sockets are disabled.</summary>
    public string? UnixSocketPath => UnixSocketDir is null ? null : Path.Combine(UnixSocketDir, $".s.PGSQL.{ListenPort}");
}
