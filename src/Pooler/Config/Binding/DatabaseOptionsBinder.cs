// Binds one [databases.NAME] table to DatabaseOptions.
namespace Pooler.Config.Binding;

/// <summary>Reads one database entry; unset optional values stay null so they inherit.</summary>
internal static class DatabaseOptionsBinder
{
    public static DatabaseOptions Bind(string name, SectionReader r)
    {
        var d = new DatabaseOptions { Name = name };
        var options = new DatabaseOptions
        {
            Name = name,
            Host = r.String("host", d.Host),
            Port = r.Int("port", d.Port, 1, 65535),
            DbName = r.OptionalString("dbname"),
            User = r.OptionalString("user"),
            Password = r.OptionalString("password"),
            AuthUser = r.OptionalString("auth_user"),
            PoolSize = r.IntOrNull("pool_size", 1),
            MinPoolSize = r.IntOrNull("min_pool_size"),
            ReservePoolSize = r.IntOrNull("reserve_pool_size"),
            PoolMode = r.EnumOrNull("pool_mode", OptionEnums.PoolModes),
            MaxDbConnections = r.IntOrNull("max_db_connections"),
            ConnectQuery = r.OptionalString("connect_query"),
            ApplicationName = r.OptionalString("application_name"),
            ClientEncoding = r.OptionalString("client_encoding"),
            DateStyle = r.OptionalString("datestyle"),
            TimeZone = r.OptionalString("timezone"),
        };
        if (options.Host.Length == 0)
            r.Error("host", "must not be empty");
        r.ReportUnknownKeys();
        return options;
    }
}
