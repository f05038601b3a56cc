// Binds the [pooler] table to PoolerOptions: one line per option, defaults taken from the record itself.
namespace Pooler.Config.Binding;

/// <summary>Reads every [pooler] option; unknown keys and bad values land in the reader's error list.</summary>
internal static class PoolerOptionsBinder
{
    private const int MaxPort = 65535;

    public static PoolerOptions Bind(SectionReader r, Func<string?, string?> resolvePath)
    {
        var d = new PoolerOptions();
        var options = new PoolerOptions
        {
            ListenAddr = r.StringList("listen_addr", d.ListenAddr),
            ListenPort = r.Int("listen_port", d.ListenPort, 1, MaxPort),
            UnixSocketDir = resolvePath(r.OptionalString("unix_socket_dir", d.UnixSocketDir)),
            UnixSocketMode = r.FileMode("unix_socket_mode", d.UnixSocketMode),
            Workers = r.Int("workers", d.Workers, 0, 1024),
            WorkersAccept = r.Bool("workers_accept", d.WorkersAccept),
            EvBackend = r.Enum("ev_backend", d.EvBackend, OptionEnums.EventBackends),

            PoolMode = r.Enum("pool_mode", d.PoolMode, OptionEnums.PoolModes),
            DefaultPoolSize = r.Int("default_pool_size", d.DefaultPoolSize, 1),
            MinPoolSize = r.Int("min_pool_size", d.MinPoolSize),
            ReservePoolSize = r.Int("reserve_pool_size", d.ReservePoolSize),
            ReservePoolTimeout = r.Duration("reserve_pool_timeout", d.ReservePoolTimeout),
            MaxClientConn = r.Int("max_client_conn", d.MaxClientConn, 1),
            MaxDbConnections = r.Int("max_db_connections", d.MaxDbConnections),
            MaxUserConnections = r.Int("max_user_connections", d.MaxUserConnections),
            MaxDbClientConnections = r.Int("max_db_client_connections", d.MaxDbClientConnections),
            MaxUserClientConnections = r.Int("max_user_client_connections", d.MaxUserClientConnections),
            MaxServerConnectsPerHost = r.Int("max_server_connects_per_host", d.MaxServerConnectsPerHost, 1),

            ServerResetQuery = r.OptionalString("server_reset_query", d.ServerResetQuery),
            ServerResetQueryAlways = r.Bool("server_reset_query_always", d.ServerResetQueryAlways),
            ServerCheckQuery = r.OptionalString("server_check_query", d.ServerCheckQuery),
            ServerCheckDelay = r.Duration("server_check_delay", d.ServerCheckDelay),
            ServerLifetime = r.Duration("server_lifetime", d.ServerLifetime),
            ServerIdleTimeout = r.Duration("server_idle_timeout", d.ServerIdleTimeout),
            ServerConnectTimeout = r.Duration("server_connect_timeout", d.ServerConnectTimeout),
            ServerLoginRetry = r.Duration("server_login_retry", d.ServerLoginRetry),

            ClientLoginTimeout = r.Duration("client_login_timeout", d.ClientLoginTimeout),
            ClientIdleTimeout = r.Duration("client_idle_timeout", d.ClientIdleTimeout),
            QueryTimeout = r.Duration("query_timeout", d.QueryTimeout),
            QueryWaitTimeout = r.Duration("query_wait_timeout", d.QueryWaitTimeout),
            IdleTransactionTimeout = r.Duration("idle_transaction_timeout", d.IdleTransactionTimeout),
            CancelWaitTimeout = r.Duration("cancel_wait_timeout", d.CancelWaitTimeout),
            ShutdownTimeout = r.Duration("shutdown_timeout", d.ShutdownTimeout),

            AuthType = r.Enum("auth_type", d.AuthType, OptionEnums.AuthTypes),
            AuthFile = resolvePath(r.OptionalString("auth_file", d.AuthFile)),
            AuthHbaFile = resolvePath(r.OptionalString("auth_hba_file", d.AuthHbaFile)),
            AuthQuery = r.String("auth_query", d.AuthQuery),
            AuthUser = r.OptionalString("auth_user", d.AuthUser),
            AdminUsers = r.StringList("admin_users", d.AdminUsers),
            StatsUsers = r.StringList("stats_users", d.StatsUsers),

            MaxPacketSize = r.Int("max_packet_size", d.MaxPacketSize, 1024),
            MaxStartupPacketSize = r.Int("max_startup_packet_size", d.MaxStartupPacketSize, 1024, 1 << 20),
            PktBuf = r.Int("pkt_buf", d.PktBuf, 512, 1 << 24),
            MaxPreparedStatements = r.Int("max_prepared_statements", d.MaxPreparedStatements),
            ApplicationNameAddHost = r.Bool("application_name_add_host", d.ApplicationNameAddHost),
            IgnoreStartupParameters = r.StringList("ignore_startup_parameters", d.IgnoreStartupParameters),
            TrackExtraParameters = r.StringList("track_extra_parameters", d.TrackExtraParameters),

            LogConnections = r.Bool("log_connections", d.LogConnections),
            LogDisconnections = r.Bool("log_disconnections", d.LogDisconnections),
            LogPoolerErrors = r.Bool("log_pooler_errors", d.LogPoolerErrors),
            LogLevel = r.Enum("log_level", d.LogLevel, OptionEnums.LogLevels),
            LogFile = resolvePath(r.OptionalString("logfile", d.LogFile)),
            PidFile = resolvePath(r.OptionalString("pidfile", d.PidFile)),

            ManagementSocket = resolvePath(r.OptionalString("management_socket", d.ManagementSocket)),
            ManagementPort = r.Int("management_port", d.ManagementPort, 0, MaxPort),
            ManagementTlsSslMode = r.Enum("management_tls_sslmode", d.ManagementTlsSslMode, OptionEnums.TlsModes),
            MetricsPort = r.Int("metrics_port", d.MetricsPort, 0, MaxPort),
            MetricsAddr = r.OptionalString("metrics_addr", d.MetricsAddr),

            TcpDeferAccept = r.Bool("tcp_defer_accept", d.TcpDeferAccept),
            TcpKeepalive = r.Bool("tcp_keepalive", d.TcpKeepalive),
            TcpKeepIdle = r.Duration("tcp_keepidle", d.TcpKeepIdle),
            TcpKeepIntvl = r.Duration("tcp_keepintvl", d.TcpKeepIntvl),
            TcpKeepCnt = r.Int("tcp_keepcnt", d.TcpKeepCnt, 0, 127),
            TcpUserTimeout = r.Duration("tcp_user_timeout", d.TcpUserTimeout, TimeUnit.Milliseconds),

            ClientTlsSslMode = r.Enum("client_tls_sslmode", d.ClientTlsSslMode, OptionEnums.TlsModes),
            ClientTlsKeyFile = resolvePath(r.OptionalString("client_tls_key_file", d.ClientTlsKeyFile)),
            ClientTlsCertFile = resolvePath(r.OptionalString("client_tls_cert_file", d.ClientTlsCertFile)),
            ClientTlsCaFile = resolvePath(r.OptionalString("client_tls_ca_file", d.ClientTlsCaFile)),
            ClientTlsProtocols = r.String("client_tls_protocols", d.ClientTlsProtocols),
            ClientTlsCiphers = r.String("client_tls_ciphers", d.ClientTlsCiphers),
            ServerTlsSslMode = r.Enum("server_tls_sslmode", d.ServerTlsSslMode, OptionEnums.TlsModes),
            ServerTlsCaFile = resolvePath(r.OptionalString("server_tls_ca_file", d.ServerTlsCaFile)),
            ServerTlsKeyFile = resolvePath(r.OptionalString("server_tls_key_file", d.ServerTlsKeyFile)),
            ServerTlsCertFile = resolvePath(r.OptionalString("server_tls_cert_file", d.ServerTlsCertFile)),
            ServerTlsProtocols = r.String("server_tls_protocols", d.ServerTlsProtocols),
            ServerTlsCiphers = r.String("server_tls_ciphers", d.ServerTlsCiphers),
        };
        r.ReportUnknownKeys();
        return options;
    }
}
