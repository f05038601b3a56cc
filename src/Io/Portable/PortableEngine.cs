// The fallback backend: .NET sockets driven by Pipelines.Sockets.Unofficial, with pipe continuations and timers
// still on our loop thread. Used where epoll and io_uring are unavailable; slower (thread-pool I/O completions).
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed class PortableEngine : IoEngine
{
    private readonly object _gate = new();
    private bool _signaled;
    private readonly AuxPoller _aux;
    private readonly ConcurrentDictionary<ILoopResource, byte> _resources = new();

    public PortableEngine(IoEngineOptions? options) : base(options) => _aux = new AuxPoller(this);

    public override string BackendName => "portable";

    internal void Track(ILoopResource resource) => _resources.TryAdd(resource, 0);
    internal void Untrack(ILoopResource resource) => _resources.TryRemove(resource, out _);

    protected override void WaitForEvents(int timeoutMs)
    {
        lock (_gate)
        {
            if (!_signaled && timeoutMs != 0) Monitor.Wait(_gate, timeoutMs);
            if (!_signaled) return;
            _signaled = false;
        }
        AcknowledgeWake();
    }

    protected override void Wake()
    {
        lock (_gate)
        {
            _signaled = true;
            Monitor.Pulse(_gate);
        }
    }

    public override IoListener Listen(EndPoint endPoint, int backlog = 1024)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream,
            endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        try
        {
            if (endPoint is UnixDomainSocketEndPoint) UnixSocketPath.RemoveStale(endPoint);
            else socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var listener = new PortableListener(this, socket);
        Track(listener);
        return listener;
    }

    public override async ValueTask<ConnectResult> ConnectAsync(EndPoint endPoint, TimeSpan timeout, CancellationToken ct = default)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream,
            endPoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endPoint, cts.Token);
            return new ConnectResult(ConnectStatus.Connected, Wrap(socket, default), 0);
        }
        catch (OperationCanceledException)
        {
            socket.Dispose();
            return new ConnectResult(ct.IsCancellationRequested ? ConnectStatus.Canceled : ConnectStatus.TimedOut, null,
                ct.IsCancellationRequested ? Errnos.ECANCELED : Errnos.ETIMEDOUT);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            return new ConnectResult(ConnectStatusMap.FromSocketError(ex.SocketErrorCode), null, ex.ErrorCode);
        }
    }

    public override IoConnection Adopt(int fd, ReadOnlyMemory<byte> alreadyRead = default)
    {
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        return Wrap(socket, alreadyRead);
    }

    internal PortableConnection Wrap(Socket socket, ReadOnlyMemory<byte> alreadyRead)
    {
        if (Options.NoDelay && socket.AddressFamily != AddressFamily.Unix) socket.NoDelay = true;
        var connection = new PortableConnection(this, socket, alreadyRead);
        Track(connection);
        return connection;
    }

    internal override void Register(Readiness readiness)
    {
        if (readiness.Owner is { } owner) Track(owner);
        _aux.Register(readiness);
    }

    internal override void RequestEvents(Readiness readiness, uint events) => _aux.Request(readiness, events);

    internal override void Unregister(Readiness readiness)
    {
        if (readiness.Slot < 0) return;
        if (readiness.Owner is { } owner) Untrack(owner);
        _aux.Unregister(readiness);
    }

    protected override void ShutdownResources()
    {
        foreach (var resource in _resources.Keys) resource.Shutdown();
        _resources.Clear();
    }

    protected override void OnLoopStopped() => _aux.Dispose();
}
