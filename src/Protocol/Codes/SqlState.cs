// SQLSTATE codes of the errors the pooler raises itself, with the situation each one is for.
namespace Pooler.Protocol;

/// <summary>SQLSTATE values (PostgreSQL Appendix A) the pooler sends in its own ErrorResponse messages.</summary>
public static class SqlState
{
    /// <summary>08000 connection_exception: generic connection failure.</summary>
    public const string ConnectionException = "08000";
    /// <summary>08001 sqlclient_unable_to_establish_sqlconnection: the pooler could not connect to the server.</summary>
    public const string SqlClientUnableToEstablishSqlConnection = "08001";
    /// <summary>08004 sqlserver_rejected_establishment_of_sqlconnection: the server refused the login.</summary>
    public const string SqlServerRejectedEstablishmentOfSqlConnection = "08004";
    /// <summary>08006 connection_failure: the server connection was lost mid-session.</summary>
    public const string ConnectionFailure = "08006";
    /// <summary>08P01 protocol_violation: a malformed or unexpected message; the connection ends.</summary>
    public const string ProtocolViolation = "08P01";
    /// <summary>0A000 feature_not_supported: e.g. a protocol version or message the pooler does not support.</summary>
    public const string FeatureNotSupported = "0A000";
    /// <summary>22023 invalid_parameter_value: a bad startup or SET parameter.</summary>
    public const string InvalidParameterValue = "22023";
    /// <summary>25P03 idle_in_transaction_session_timeout: idle_transaction_timeout expired.</summary>
    public const string IdleInTransactionSessionTimeout = "25P03";
    /// <summary>26000 invalid_sql_statement_name: an unknown prepared statement.</summary>
    public const string InvalidSqlStatementName = "26000";
    /// <summary>28000 invalid_authorization_specification: unknown user or no matching auth rule.</summary>
    public const string InvalidAuthorizationSpecification = "28000";
    /// <summary>28P01 invalid_password: password authentication failed.</summary>
    public const string InvalidPassword = "28P01";
    /// <summary>3D000 invalid_catalog_name: the database does not exist in the pooler's configuration.</summary>
    public const string InvalidCatalogName = "3D000";
    /// <summary>42601 syntax_error: an admin console command that does not parse.</summary>
    public const string SyntaxError = "42601";
    /// <summary>42704 undefined_object: an admin console command names an unknown object.</summary>
    public const string UndefinedObject = "42704";
    /// <summary>53300 too_many_connections: max_client_conn or a pool limit reached.</summary>
    public const string TooManyConnections = "53300";
    /// <summary>53400 configuration_limit_exceeded: e.g. a frame larger than the configured maximum.</summary>
    public const string ConfigurationLimitExceeded = "53400";
    /// <summary>57014 query_canceled: a query or wait was canceled (e.g. query_wait_timeout).</summary>
    public const string QueryCanceled = "57014";
    /// <summary>57P01 admin_shutdown: the pooler is shutting down or the client was killed by an admin.</summary>
    public const string AdminShutdown = "57P01";
    /// <summary>57P02 crash_shutdown: a worker is going away after a failure.</summary>
    public const string CrashShutdown = "57P02";
    /// <summary>57P03 cannot_connect_now: the pool is paused or the pooler is starting or stopping.</summary>
    public const string CannotConnectNow = "57P03";
    /// <summary>58000 system_error: an operating system error outside PostgreSQL.</summary>
    public const string SystemError = "58000";
    /// <summary>XX000 internal_error: a bug in the pooler.</summary>
    public const string InternalError = "XX000";
}
