// The unit a TOML duration option is written in (seconds, except tcp_user_timeout as in PgBouncer).
namespace Pooler.Config.Binding;

internal enum TimeUnit
{
    Seconds,
    Milliseconds,
}
