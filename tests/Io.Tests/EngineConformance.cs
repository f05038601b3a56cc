// The conformance suite every backend passes: one abstract class, one subclass per backend.
using System.Net;
using System.Net.Sockets;
using Pooler.Io.Interop;

namespace Pooler.Io.Tests;

public abstract partial class EngineConformance : IDisposable
{
    protected static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    protected EngineConformance()
    {
        Libc.RaiseFileLimit(16384);
        Engine = CreateEngine();
        Engine.Start();
    }

    protected IoEngine Engine { get; }

    /// <summary>The backend under test; a subclass may throw SkipException-like failures when the kernel refuses it.</summary>
    protected abstract IoEngine CreateEngine();

    public void Dispose()
    {
        Engine.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static string TempSocketPath() =>
        Path.Combine(Path.GetTempPath(), $"pooler-io-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");

    protected static IPEndPoint Loopback0 => new(IPAddress.Loopback, 0);

    protected static Socket ConnectBlocking(EndPoint ep)
    {
        var socket = new Socket(ep.AddressFamily, SocketType.Stream,
            ep is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        socket.ReceiveTimeout = socket.SendTimeout = 30_000; // a hang fails the test instead of the run
        socket.Connect(ep);
        return socket;
    }

    protected static void SendAll(Socket socket, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty) data = data[socket.Send(data)..];
    }

    protected static byte[] ReceiveExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        int got = 0;
        while (got < count)
        {
            int n = socket.Receive(buffer, got, count - got, SocketFlags.None);
            if (n == 0) throw new EndOfStreamException($"EOF after {got} of {count} bytes");
            got += n;
        }
        return buffer;
    }

    protected static Task<T> OnThread<T>(Func<T> func)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try { tcs.SetResult(func()); }
            catch (Exception ex) { tcs.SetException(ex); }
        }) { IsBackground = true }.Start();
        return tcs.Task;
    }

    protected static async Task<T> WithTimeout<T>(Task<T> task, TimeSpan? timeout = null) =>
        await task.WaitAsync(timeout ?? Long);

    protected static async Task WithTimeout(Task task, TimeSpan? timeout = null) => await task.WaitAsync(timeout ?? Long);
}
