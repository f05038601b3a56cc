// One client connection: from the first packet to the last byte, with partials by concern.
using System.IO.Pipelines;
using Pooler.Config;
using Pooler.Hosting;
using Pooler.Io;
using Pooler.Pools;
using Pooler.Protocol;
using Pooler.Servers;
using Serilog;

namespace Pooler.Clients;

/// <summary>
/// A client session. One read loop per client (RunAsync) drives it; the linked server's read loop forwards the
/// responses (ServerConnection.Reader). Every ending goes through <see cref="SessionEnd"/> and one cleanup method.
/// Loop-thread only. The session is its own <see cref="GuardedOutput"/> (to the client), to save an object per client.
/// </summary>
internal sealed partial class ClientSession : GuardedOutput, IServerOwner
{
    private readonly PoolerRuntime _rt;
    // Not readonly: after a TLS handshake it becomes the plaintext side of the TlsConnection (ClientSession.Tls.cs).
    private IoConnection _conn;
    private SessionEnd? _requestedEnd;
    private PoolError? _endError;
    private ServerConnection? _server;
    private PoolRoute? _route;
    private bool _admitted;
    private bool _keyRegistered;

    public ClientSession(PoolerRuntime rt, IoConnection conn) : base(conn.Output)
    {
        _rt = rt;
        _conn = conn;
        Id = rt.NextClientId();
        Parameters = new ClientParameters(rt.Options.TrackExtraParameters);
    }

    /// <summary>The number in <see cref="Name"/>: SHOW CLIENTS id and the KILL_CLIENT argument.</summary>
    public long Id { get; }

    /// <summary>"C-" and the id, as in log lines; made when asked for (logs, SHOW CLIENTS), not kept per session.</summary>
    public string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"C-{Id}");

    // Made on first use and kept: an idle client that never logs anything (log_connections off) holds no logger.
    // Hot paths check the level on _rt.Log first, so a disabled Verbose/Debug line does not make one.
    private ILogger? _log;

    public ILogger Log => _log ??= _rt.Log.ForContext("Conn", Name);

    /// <summary>What goes to the client: this session itself (GuardedOutput's remarks say why).</summary>
    public GuardedOutput Output => this;

    // The connection's input, read through each time rather than kept: 8 bytes per client.
    private PipeReader Input => _conn.Input;

    public CancelKey CancelKey { get; private set; }

    public ClientParameters Parameters { get; }

    public string User { get; private set; } = "";

    public string Database { get; private set; } = "";

    private PoolMode Mode => _route?.Mode ?? PoolMode.Session;

    /// <summary>
    /// Runs the login, then the forwarding (ClientSession.Park.cs), which parks between the client's messages; never
    /// throws. Completes once the session is logged in and parked (or has ended, when the login fails).
    /// </summary>
    public async Task RunAsync()
    {
        _rt.AddSession(this);
        SessionEnd? end;
        try
        {
            end = await StartupAsync();
        }
        catch (Exception ex)
        {
            Log.Error(ex, "session failed");
            end = SessionEnd.InternalError;
        }
        if (end is { } failed)
        {
            await EndAsync(failed);
            return;
        }
        _maxForwardBody = _rt.Options.MaxPacketSize - 4;
        _ = ForwardAsync();
    }

    /// <summary>The end of every session: cleanup, then it leaves the runtime's list.</summary>
    private async ValueTask EndAsync(SessionEnd end)
    {
        ReturnScanner(force: true);
        await CleanupAsync(end);
        _rt.RemoveSession(this);
    }

    /// <summary>End the session from outside its read loop (server lost, shutdown, login timeout).</summary>
    public void RequestEnd(SessionEnd end, PoolError? error)
    {
        _requestedEnd ??= end;
        _endError ??= error;
        Input.CancelPendingRead();
    }

    void IServerOwner.OnParameterStatus(string name, string value) => Parameters.Set(name, value);

    void IServerOwner.OnReadyForQuery(ServerConnection server, TransactionStatus status) => OnServerReady(server, status);

    void IServerOwner.OnServerLost(ServerConnection server, PoolError error)
    {
        if (server != _server)
            return;
        _server = null;
        RequestEnd(SessionEnd.ServerLost, error);
    }
}
