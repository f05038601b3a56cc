// The TOML spellings of every enum option, in one place for the binder, `config check` and the docs.
namespace Pooler.Config;

/// <summary>Name maps for the option enums.</summary>
public static class OptionEnums
{
    public static readonly EnumMap<PoolMode> PoolModes = new(
        ("session", PoolMode.Session), ("transaction", PoolMode.Transaction), ("statement", PoolMode.Statement));

    public static readonly EnumMap<AuthType> AuthTypes = new(
        ("trust", AuthType.Trust), ("plain", AuthType.Plain), ("md5", AuthType.Md5),
        ("scram-sha-256", AuthType.ScramSha256), ("hba", AuthType.Hba), ("cert", AuthType.Cert));

    public static readonly EnumMap<EventBackendKind> EventBackends = new(
        ("auto", EventBackendKind.Auto), ("io_uring", EventBackendKind.IoUring), ("epoll", EventBackendKind.Epoll),
        ("portable", EventBackendKind.Portable));

    public static readonly EnumMap<PoolerLogLevel> LogLevels = new(
        ("verbose", PoolerLogLevel.Verbose), ("debug", PoolerLogLevel.Debug), ("info", PoolerLogLevel.Info),
        ("warning", PoolerLogLevel.Warning), ("error", PoolerLogLevel.Error));

    public static readonly EnumMap<TlsMode> TlsModes = new(
        ("disable", TlsMode.Disable), ("allow", TlsMode.Allow), ("prefer", TlsMode.Prefer),
        ("require", TlsMode.Require), ("verify-ca", TlsMode.VerifyCa), ("verify-full", TlsMode.VerifyFull));

    /// <summary>TOML name of a pool mode, e.g. for log lines and SHOW POOLS.</summary>
    public static string ToConfigName(this PoolMode mode) => PoolModes.NameOf(mode);

    public static string ToConfigName(this AuthType type) => AuthTypes.NameOf(type);

    public static string ToConfigName(this EventBackendKind kind) => EventBackends.NameOf(kind);

    public static string ToConfigName(this PoolerLogLevel level) => LogLevels.NameOf(level);

    public static string ToConfigName(this TlsMode mode) => TlsModes.NameOf(mode);
}
