// Binds one [users.NAME] table to UserOptions.
namespace Pooler.Config.Binding;

/// <summary>Reads one user entry; unset values stay null so they inherit.</summary>
internal static class UserOptionsBinder
{
    public static UserOptions Bind(string name, SectionReader r)
    {
        var options = new UserOptions
        {
            Name = name,
            PoolMode = r.EnumOrNull("pool_mode", OptionEnums.PoolModes),
            PoolSize = r.IntOrNull("pool_size", 1),
            ReservePoolSize = r.IntOrNull("reserve_pool_size"),
            MaxUserConnections = r.IntOrNull("max_user_connections"),
            MaxUserClientConnections = r.IntOrNull("max_user_client_connections"),
        };
        r.ReportUnknownKeys();
        return options;
    }
}
