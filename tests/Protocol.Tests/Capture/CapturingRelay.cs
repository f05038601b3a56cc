// A TCP relay on 127.0.0.1 that records both directions of every connection, to capture what real peers send.
using System.Net;
using System.Net.Sockets;

namespace Pooler.Protocol.Tests.Capture;

/// <summary>Forwards each accepted connection to the target and keeps the bytes of each direction.</summary>
internal sealed class CapturingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = new();
    private readonly Task _acceptLoop;

    public CapturingRelay(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>One entry per accepted connection, in accept order.</summary>
    public List<RecordedConnection> Connections { get; } = new();

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(_targetHost, _targetPort);
                var record = new RecordedConnection();
                lock (Connections) Connections.Add(record);
                lock (_pumps)
                {
                    _pumps.Add(PumpAsync(client, server, record.FromClient));
                    _pumps.Add(PumpAsync(server, client, record.FromServer));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task PumpAsync(TcpClient from, TcpClient to, MemoryStream record)
    {
        var buffer = new byte[65536];
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            int n;
            while ((n = await input.ReadAsync(buffer)) > 0)
            {
                lock (record) record.Write(buffer, 0, n);
                await output.WriteAsync(buffer.AsMemory(0, n));
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            try { to.Client.Shutdown(SocketShutdown.Send); } catch (SocketException) { } catch (ObjectDisposedException) { }
        }
    }

    /// <summary>Waits until every relayed connection has closed in both directions.</summary>
    public async Task DrainAsync()
    {
        Task[] pumps;
        lock (_pumps) pumps = _pumps.ToArray();
        await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
    }
}

/// <summary>The bytes a relayed connection carried each way.</summary>
internal sealed class RecordedConnection
{
    public MemoryStream FromClient { get; } = new();
    public MemoryStream FromServer { get; } = new();
}
