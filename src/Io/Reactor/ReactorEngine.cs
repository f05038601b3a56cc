// What the epoll and io_uring engines share: the table of watched fds (slot + generation, so a completion for a
// closed and reused slot is ignored), listen/connect/adopt on raw sockets, and shutdown of everything owned.
using System.Net;
using System.Net.Sockets;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal abstract partial class ReactorEngine : IoEngine
{
    private Readiness?[] _slots = new Readiness?[256];
    private readonly Stack<int> _free = new();
    private int _used;
    private uint _generation;
    private const uint GenerationMask = 0x1FFF_FFFF;

    protected ReactorEngine(IoEngineOptions? options, bool pinnedSends = false) : base(options, pinnedSends)
    {
        Pipes = new PipePool(ReceivePipeOptions);
        SendBuffers = new SendBufferPool(SendBlocks, Options.MinimumSegmentSize, Scheduler);
    }

    /// <summary>Pipes lent to connections while they buffer received bytes (loop thread only).</summary>
    internal PipePool Pipes { get; }

    /// <summary>Send buffers lent to connections while they have bytes to send (loop thread only).</summary>
    internal SendBufferPool SendBuffers { get; }

    /// <summary>Pins of the completion-based sends in flight (loop thread only).</summary>
    internal SendPinPool SendPins { get; } = new();

    /// <summary>Whether sockets of this family receive through completions (IReadinessHandler.OnReceived) instead of
    /// readiness plus recv (io_uring's multishot receive); decided once per connection on the loop thread.</summary>
    internal virtual bool ReceivesByCompletion(int family) => false;

    /// <summary>Keeps a completion-based receive armed for the fd (no-op while one is).</summary>
    internal virtual void ArmReceive(Readiness readiness) { }

    /// <summary>Stops the completion-based receive (back-pressure, or the application stopped reading).</summary>
    internal virtual void StopReceive(Readiness readiness) { }

    /// <summary>Whether sends are submitted (SubmitSend, completed through IReadinessHandler.OnSent) instead of
    /// calling send(2) from the flush.</summary>
    internal virtual bool SendsByCompletion => false;

    /// <summary>Queues a send of <paramref name="length"/> bytes from pinned memory, submitted with the loop's next wait.</summary>
    internal virtual void SubmitSend(Readiness readiness, in System.Buffers.MemoryHandle pinned, int length) =>
        throw new NotSupportedException();

    /// <summary>Allocates a slot for the readiness; returns the 64-bit token the backend attaches to its events.</summary>
    protected ulong AllocateSlot(Readiness readiness)
    {
        int slot;
        if (_free.Count > 0) slot = _free.Pop();
        else
        {
            if (_used == _slots.Length) Array.Resize(ref _slots, _slots.Length * 2);
            slot = _used++;
        }
        _slots[slot] = readiness;
        readiness.Slot = slot;
        // 29 bits, so io_uring can keep three kind bits in the same 64-bit user_data.
        _generation = (_generation + 1) & GenerationMask;
        if (_generation == 0) _generation = 1;
        readiness.Generation = _generation;
        return Token(readiness);
    }

    protected static ulong Token(Readiness readiness) => (uint)readiness.Slot | ((ulong)readiness.Generation << 32);

    protected void FreeSlot(Readiness readiness)
    {
        if (readiness.Slot < 0) return;
        _slots[readiness.Slot] = null;
        _free.Push(readiness.Slot);
        readiness.Slot = -1;
    }

    /// <summary>The live readiness a token refers to, or null when its slot was freed or reused since.</summary>
    protected Readiness? Lookup(ulong token)
    {
        int slot = (int)(uint)token;
        if ((uint)slot >= (uint)_slots.Length) return null;
        var readiness = _slots[slot];
        return readiness is not null && readiness.Generation == ((uint)(token >> 32) & GenerationMask) ? readiness : null;
    }

    protected override void ShutdownResources()
    {
        for (int i = 0; i < _used; i++)
        {
            if (_slots[i]?.Owner is { } owner)
            {
                try { owner.Shutdown(); }
                catch (Exception ex) { ReportError(ex); }
            }
        }
    }

    public override IoListener Listen(EndPoint endPoint, int backlog = 1024) =>
        OpenListenFd(endPoint, backlog, reusePort: false, fd =>
            new FdListener(this, fd, endPoint is UnixDomainSocketEndPoint ? endPoint : Sockets.LocalEndPoint(fd, endPoint) ?? endPoint));

    /// <summary>
    /// socket, SO_REUSEADDR (TCP; with <paramref name="reusePort"/> also SO_REUSEPORT), bind and listen, then
    /// <paramref name="finish"/> with the fd; the fd is closed if any step throws. A stale Unix socket file is replaced.
    /// </summary>
    internal static T OpenListenFd<T>(EndPoint endPoint, int backlog, bool reusePort, Func<int, T> finish)
    {
        var created = Sockets.CreateStream(endPoint);
        created.ThrowOnError("socket");
        int fd = created.IntValue;
        try
        {
            if (endPoint is UnixDomainSocketEndPoint) UnixSocketPath.RemoveStale(endPoint);
            else Sockets.SetIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1).ThrowOnError("setsockopt(SO_REUSEADDR)");
            if (reusePort)
                Sockets.SetIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, 1).ThrowOnError("setsockopt(SO_REUSEPORT)");
            Sockets.Bind(fd, endPoint).ThrowOnError($"bind({endPoint})");
            Sockets.Listen(fd, backlog).ThrowOnError("listen");
            return finish(fd);
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    public override ValueTask<ConnectResult> ConnectAsync(EndPoint endPoint, TimeSpan timeout, CancellationToken ct = default)
    {
        if (!IsOnLoopThread) return new ValueTask<ConnectResult>(RunAsync(() => ConnectCoreAsync(endPoint, timeout, ct).AsTask()));
        return ConnectCoreAsync(endPoint, timeout, ct);
    }

    public override IoListener AdoptListener(int fd)
    {
        Libc.SetNonBlocking(fd, true).ThrowOnError("fcntl(O_NONBLOCK)");
        Sockets.GetIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN, out int family).ThrowOnError("getsockopt(SO_DOMAIN)");
        var template = Template(family);
        return new FdListener(this, fd, Sockets.LocalEndPoint(fd, template) ?? template);
    }

    public override IoConnection Adopt(int fd, ReadOnlyMemory<byte> alreadyRead = default)
    {
        Libc.SetNonBlocking(fd, true).ThrowOnError("fcntl(O_NONBLOCK)");
        Sockets.GetIntOption(fd, Sockets.SOL_SOCKET, Sockets.SO_DOMAIN, out int family);
        return CreateConnection(fd, family, null, alreadyRead);
    }

    internal FdConnection CreateConnection(int fd, int family, Readiness? registered, ReadOnlyMemory<byte> alreadyRead)
    {
        if (Options.NoDelay && family != Sockets.AF_UNIX)
            Sockets.SetIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
        var connection = new FdConnection(this, fd, family, registered);
        if (IsOnLoopThread) connection.Start(alreadyRead);
        else if (alreadyRead.IsEmpty) Post(static c => ((FdConnection)c!).Start(default), connection);
        else Post(static s => { var (c, a) = ((FdConnection, ReadOnlyMemory<byte>))s!; c.Start(a); }, (connection, alreadyRead));
        return connection;
    }

    internal static EndPoint Template(int family) => family switch
    {
        Sockets.AF_INET6 => new IPEndPoint(IPAddress.IPv6Any, 0),
        Sockets.AF_UNIX => new UnixDomainSocketEndPoint("/"),
        _ => new IPEndPoint(IPAddress.Any, 0),
    };
}
