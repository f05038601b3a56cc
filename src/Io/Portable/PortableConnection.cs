// A connection of the portable backend: a Pipelines.Sockets.Unofficial SocketConnection (ZeroLengthReads, so an
// idle connection holds no receive buffer) whose pipes use the loop scheduler.
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Pipelines.Sockets.Unofficial;
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed class PortableConnection : IoConnection, ILoopResource
{
    private readonly PortableEngine _engine;
    private readonly Socket _socket;
    private readonly SocketConnection _connection;
    private readonly PipeReader _input;
    private readonly EndPoint? _remote, _local;

    public PortableConnection(PortableEngine engine, Socket socket, ReadOnlyMemory<byte> alreadyRead)
    {
        _engine = engine;
        _socket = socket;
        _remote = SafeEndPoint(() => socket.RemoteEndPoint);
        _local = SafeEndPoint(() => socket.LocalEndPoint);
        _connection = SocketConnection.Create(socket, engine.SendPipeOptions, engine.ReceivePipeOptions,
            SocketConnectionOptions.ZeroLengthReads);
        _input = alreadyRead.IsEmpty ? _connection.Input : PrefixPump.Start(engine, alreadyRead, _connection.Input);
    }

    private static EndPoint? SafeEndPoint(Func<EndPoint?> get)
    {
        try { return get(); }
        catch (SocketException) { return null; }
        catch (ObjectDisposedException) { return null; }
    }

    public override EndPoint? RemoteEndPoint => _remote;
    public override EndPoint? LocalEndPoint => _local;
    public override PipeReader Input => _input;
    public override PipeWriter Output => _connection.Output;

    public override ShutdownKind ShutdownReason
    {
        get
        {
            var recorded = base.ShutdownReason;
            if (recorded != ShutdownKind.None) return recorded;
            var mapped = Map(_connection.ShutdownKind, _connection.SocketError);
            if (mapped != ShutdownKind.None) TrySetShutdown(mapped);
            return base.ShutdownReason;
        }
    }

    private static ShutdownKind Map(PipeShutdownKind kind, SocketError error) => kind switch
    {
        PipeShutdownKind.None => ShutdownKind.None,
        PipeShutdownKind.ReadEndOfStream => ShutdownKind.ReadEndOfStream,
        PipeShutdownKind.ReadSocketError when error == SocketError.ConnectionReset => ShutdownKind.ReadReset,
        PipeShutdownKind.ReadSocketError or PipeShutdownKind.ReadIOException or PipeShutdownKind.ReadException => ShutdownKind.ReadError,
        PipeShutdownKind.WriteEndOfStream => ShutdownKind.OutputCompleted,
        PipeShutdownKind.WriteSocketError when error is SocketError.ConnectionReset or SocketError.Shutdown => ShutdownKind.WriteReset,
        PipeShutdownKind.WriteSocketError or PipeShutdownKind.WriteIOException or PipeShutdownKind.WriteException
            => ShutdownKind.WriteError,
        PipeShutdownKind.InputReaderCompleted => ShutdownKind.InputCompleted,
        PipeShutdownKind.OutputReaderCompleted => ShutdownKind.OutputCompleted,
        _ => ShutdownKind.Disposed,
    };

    public override void Abort(ShutdownKind reason = ShutdownKind.Aborted)
    {
        TrySetShutdown(reason);
        _engine.Untrack(this);
        _connection.Dispose();
        _socket.Dispose();
    }

    /// <summary>Best effort: the socket already went through .NET's own epoll, which keeps a registration on the
    /// shared file description; we hand out a duplicate fd and close ours without shutting the connection down.</summary>
    public override int DetachFd()
    {
        TrySetShutdown(ShutdownKind.Detached);
        var dup = Libc.DupCloexec((int)_socket.Handle);
        dup.ThrowOnError("dup");
        _engine.Untrack(this);
        _socket.Close(0);
        _connection.Dispose();
        return dup.IntValue;
    }

    public override ValueTask DisposeAsync()
    {
        TrySetShutdown(ShutdownKind.Disposed);
        _engine.Untrack(this);
        _connection.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    public void Shutdown() => Abort(ShutdownKind.EngineStopped);
}
