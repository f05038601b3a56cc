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
/// Loop-thread only.
/// </summary>
internal sealed partial class ClientSession : IServerOwner
{
    private readonly PoolerRuntime _rt;
    // Not readonly: after a TLS handshake both become the plaintext side of the TlsConnection (ClientSession.Tls.cs).
    private IoConnection _conn;
    private PipeReader _input;
    private SessionEnd? _requestedEnd;
    private PoolError? _endError;
    private ServerConnection? _server;
    private PoolRoute? _route;
    private bool _admitted;
    private bool _keyRegistered;

    public ClientSession(PoolerRuntime rt, IoConnection conn)
    {
        _rt = rt;
        _conn = conn;
        _input = conn.Input;
        Output = new GuardedOutput(conn.Output);
        Name = $"C-{rt.NextClientId()}";
        Log = rt.Log.ForContext("Conn", Name);
        Parameters = new ClientParameters(rt.Options.TrackExtraParameters);
    }

    public string Name { get; }

    public ILogger Log { get; }

    public GuardedOutput Output { get; private set; }

    public CancelKey CancelKey { get; private set; }

    public ClientParameters Parameters { get; }

    public string User { get; private set; } = "";

    public string Database { get; private set; } = "";

    private PoolMode Mode => _route?.Mode ?? PoolMode.Session;

    /// <summary>Runs the whole session; never throws.</summary>
    public async Task RunAsync()
    {
        _rt.AddSession(this);
        SessionEnd end;
        try
        {
            end = await StartupAsync() ?? await ForwardAsync();
        }
        catch (Exception ex)
        {
            Log.Error(ex, "session failed");
            end = SessionEnd.InternalError;
        }
        await CleanupAsync(end);
        _rt.RemoveSession(this);
    }

    /// <summary>End the session from outside its read loop (server lost, shutdown, login timeout).</summary>
    public void RequestEnd(SessionEnd end, PoolError? error)
    {
        _requestedEnd ??= end;
        _endError ??= error;
        _input.CancelPendingRead();
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
