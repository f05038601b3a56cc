// What the admin console and the management snapshot read of a session, and how they end one.
using System.Net;
using Pooler.Management;
using Pooler.Protocol;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    // UTC ticks rather than DateTimeOffset (16 bytes, 24 as nullable): both are read only by SHOW CLIENTS.
    private readonly long _connectedAtTicks = DateTimeOffset.UtcNow.UtcTicks;
    private long _waitingSinceTicks; // 0 while not queued for a server

    private DateTimeOffset ConnectedAt => new(_connectedAtTicks, TimeSpan.Zero);

    private DateTimeOffset? WaitingSince => _waitingSinceTicks == 0 ? null : new DateTimeOffset(_waitingSinceTicks, TimeSpan.Zero);
    private bool _loggedIn;
    private bool _isAdminConsole;

    public bool IsAdminConsole => _isAdminConsole;

    /// <summary>A copy of this session for SHOW CLIENTS; loop thread.</summary>
    public ClientInfo Describe(int worker, DateTimeOffset now)
    {
        var (addr, port) = Split(_conn.RemoteEndPoint);
        var (localAddr, localPort) = Split(_conn.LocalEndPoint);
        // A cancel request connection is listed in the pool of the query it cancels, as PgBouncer lists it.
        var cancelling = _cancelTarget;
        var waitingSince = WaitingSince;
        var state = cancelling is not null ? "active_cancel_req"
            : !_loggedIn ? "login"
            : waitingSince is not null ? "waiting"
            : _server is not null ? "active"
            : "idle";
        return new ClientInfo
        {
            Id = Id,
            Worker = worker,
            User = cancelling?.User ?? User,
            Database = cancelling?.Database ?? Database,
            State = state,
            Addr = addr,
            Port = port,
            LocalAddr = localAddr,
            LocalPort = localPort,
            ConnectTime = ConnectedAt,
            RequestTime = waitingSince ?? ConnectedAt,
            WaitUs = waitingSince is { } since && now > since ? (now - since).Ticks / TimeSpan.TicksPerMicrosecond : 0,
            Link = _server?.Id,
            ApplicationName = Parameters.Get("application_name") ?? "",
            Tls = IsTls,
            TlsDescription = TlsDescription ?? "",
            IsAdmin = _isAdminConsole,
            PreparedStatements = PreparedStatementCount,
        };
    }

    /// <summary>KILL / KILL_CLIENT: end the session with 57P01 as an administrator command does in PostgreSQL.</summary>
    public void Kill(string why) =>
        RequestEnd(SessionEnd.Shutdown, new Pools.PoolError(SqlState.AdminShutdown, why));

    internal static (string Addr, int Port) Split(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => ((ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(), ip.Port),
        null => ("", 0),
        _ => ("unix", 0),
    };
}
