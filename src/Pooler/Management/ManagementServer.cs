// The management Unix socket (mode 0600) and the TCP management port (optional TLS, then SCRAM): accept CLI
// connections and answer their JSON frames.
using System.Net;
using System.Net.Sockets;
using Pooler.Config;
using Pooler.Stats;
using Serilog;

namespace Pooler.Management;

/// <summary>
/// Runs on the thread pool, not on an event loop: it carries no query traffic, and every read of pooler state goes
/// through <see cref="IAdminBackend"/>, which posts onto the owning loop. Each peer is identified by its uid
/// (SO_PEERCRED) in the log line every admin action writes.
/// </summary>
internal sealed class ManagementServer : IAsyncDisposable
{
    private const int SolSocket = 1, SoPeerCred = 17;

    private readonly Socket _listener;
    private readonly ManagementDispatcher _dispatcher;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly string _path;
    // TCP only: the options in force (the pooler's current snapshot), read per connection for TLS and admin users.
    private readonly Func<PoolerOptions>? _tcpOptions;

    /// <summary>How long a TCP peer has for the TLS handshake and the SCRAM exchange together.</summary>
    private static readonly TimeSpan LoginTimeout = TimeSpan.FromSeconds(30);

    private ManagementServer(Socket listener, string path, ManagementDispatcher dispatcher, ILogger log, Func<PoolerOptions>? tcpOptions = null)
    {
        _listener = listener;
        _path = path;
        _tcpOptions = tcpOptions;
        _dispatcher = dispatcher;
        _log = log;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Path => _path;

    /// <summary>Bind <paramref name="path"/> (replacing a stale socket file) with mode 0600 and start accepting.</summary>
    public static ManagementServer Start(string path, IAdminBackend backend, Func<StatsAverages> averages, ILogger log)
    {
        if (File.Exists(path))
            File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            listener.Listen(16);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        log.Information("management socket on unix:{Path}", path);
        return new ManagementServer(listener, path, new ManagementDispatcher(backend, averages), log);
    }

    /// <summary>
    /// The TCP management port: TLS as management_tls_sslmode says (<see cref="ManagementTls"/>), then every
    /// connection must prove an admin_users password with SCRAM-SHA-256 (<see cref="ManagementScram"/>).
    /// <paramref name="options"/> gives the options in force, so RELOAD applies to the next connection.
    /// </summary>
    public static ManagementServer StartTcp(IPEndPoint endPoint, IAdminBackend backend, Func<StatsAverages> averages,
        Func<PoolerOptions> options, ILogger log)
    {
        var listener = SocketAcceptLoop.ListenTcp(endPoint);
        log.Information("management port on {EndPoint} (TLS {Mode}, SCRAM-SHA-256 against admin_users)", listener.LocalEndPoint,
            options().ManagementTlsSslMode.ToConfigName());
        return new ManagementServer(listener, "", new ManagementDispatcher(backend, averages), log, options);
    }

    public EndPoint LocalEndPoint => _listener.LocalEndPoint!;

    /// <summary>management_port on the first listen_addr ("*" = every address), as the metrics endpoint.</summary>
    public static IPEndPoint TcpEndPoint(PoolerOptions options)
    {
        var address = options.ListenAddr.FirstOrDefault() ?? "127.0.0.1";
        var ip = address == "*" ? IPAddress.Any : IPAddress.TryParse(address, out var parsed) ? parsed : Dns.GetHostAddresses(address)[0];
        return new IPEndPoint(ip, options.ManagementPort);
    }

    private Task AcceptLoopAsync() => SocketAcceptLoop.RunAsync(_listener, _stop.Token, ServeAsync);

    private async Task ServeAsync(Socket peer)
    {
        var actor = _tcpOptions is null
            ? new AdminActor("management socket", $"uid {PeerUid(peer)}")
            : new AdminActor("management port", $"(unauthenticated)@{peer.RemoteEndPoint}");
        Stream stream = new NetworkStream(peer, ownsSocket: true);
        try
        {
            if (_tcpOptions is not null)
            {
                using var login = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                login.CancelAfter(LoginTimeout);
                var options = _tcpOptions();
                var opened = await ManagementTls.AcceptAsync(peer, (NetworkStream)stream, options, _log, login.Token);
                if (opened.Stream is null)
                    return;
                stream = opened.Stream;
                if (await ManagementScram.AuthenticateAsync(stream, ManagementAuth.FromOptions(options), opened.ChannelBinding, login.Token)
                    is not { } proved)
                {
                    _log.Warning("management port: authentication failed for {Peer}", peer.RemoteEndPoint);
                    return;
                }
                var (user, mechanism) = proved;
                _log.Information("management port: {User} logged in from {Peer} ({Mechanism}{Tls})", user, peer.RemoteEndPoint, mechanism,
                    opened.IsTls ? ", TLS" : "");
                actor = new AdminActor(opened.IsTls ? "management port (TLS)" : "management port", $"{user}@{peer.RemoteEndPoint}");
            }
            while (!_stop.IsCancellationRequested)
            {
                byte[]? payload;
                try
                {
                    payload = await ManagementProtocol.ReadFrameAsync(stream, _stop.Token);
                }
                catch (InvalidDataException ex)
                {
                    // An oversized or negative length: answer once, then close, since the stream cannot be resynchronised.
                    await ManagementProtocol.WriteFrameAsync(stream, ManagementProtocol.Encode(
                        ManagementDispatcher.Error("", AdminOutcome.BadRequest, "request.bad_frame", ex.Message)));
                    return;
                }
                if (payload is null)
                    return;
                var response = await _dispatcher.HandleAsync(payload, actor);
                await ManagementProtocol.WriteFrameAsync(stream, ManagementProtocol.Encode(response), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _log.Debug("management connection of {Actor} ended: {Reason}", actor, ex.Message);
        }
        catch (Exception ex)
        {
            _log.Error(ex, "management request of {Actor} failed", actor);
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    /// <summary>The peer's uid from SO_PEERCRED (struct ucred: pid, uid, gid); -1 where the system cannot tell.</summary>
    private static int PeerUid(Socket peer)
    {
        try
        {
            Span<byte> cred = stackalloc byte[12];
            return peer.GetRawSocketOption(SolSocket, SoPeerCred, cred) >= 8
                ? BitConverter.ToInt32(cred[4..8])
                : -1;
        }
        catch (Exception ex) when (ex is SocketException or PlatformNotSupportedException)
        {
            return -1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            await _acceptLoop;
        }
        catch (Exception ex)
        {
            _log.Debug(ex, "management accept loop ended with an error");
        }
        try
        {
            if (_path.Length > 0)
                File.Delete(_path);
        }
        catch (IOException)
        {
            // Already gone.
        }
    }
}
