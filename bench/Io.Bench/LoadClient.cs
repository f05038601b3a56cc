// The load generator (child process, epoll backend): N connections each doing request/response ping-pong, or
// N idle connections; talks to the orchestrator over stdin/stdout lines.
using System.Buffers;
using System.Net;

namespace Pooler.Io.Bench;

internal static class LoadClient
{
    // client pingpong <port> <conns> <seconds> <size>   → "start", then "done <roundtrips>"
    // client upstream                                  → "upstream <port>" (an echo server for the proxy run)
    // client idle <port> <conns>                       → "connected", then waits for a line on stdin
    public static async Task<int> RunAsync(string[] args)
    {
        using var engine = IoEngine.Create(EvBackend.Epoll);
        engine.Start();
        switch (args[0])
        {
            case "pingpong":
                await engine.RunAsync(() => PingPongAsync(engine, int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4])));
                break;
            case "proxy":
            {
                using var upstream = engine.Listen(new IPEndPoint(IPAddress.Loopback, 0));
                _ = engine.RunAsync(() => Sessions.AcceptLoopAsync(upstream, Sessions.EchoAsync));
                Console.WriteLine($"upstream {((IPEndPoint)upstream.LocalEndPoint).Port}");
                var proxyPort = int.Parse(Console.ReadLine()!);
                await engine.RunAsync(() => PingPongAsync(engine, proxyPort, int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3])));
                break;
            }
            case "idle":
            {
                var held = await engine.RunAsync(async () =>
                {
                    var list = new List<IoConnection>();
                    for (int i = 0; i < int.Parse(args[2]); i++)
                        list.Add((await engine.ConnectAsync(new IPEndPoint(IPAddress.Loopback, int.Parse(args[1])), TimeSpan.FromSeconds(10))).Connection!);
                    // One exchange each first, so the server's figure is "idle after traffic", not "never used".
                    await Task.WhenAll(list.Select(c => ExchangeOnceAsync(c, 32)));
                    return list;
                });
                Console.WriteLine("connected");
                Console.ReadLine();
                GC.KeepAlive(held);
                break;
            }
        }
        return 0;
    }

    private static async Task PingPongAsync(IoEngine engine, int port, int conns, int seconds, int size)
    {
        var connections = new List<IoConnection>();
        for (int i = 0; i < conns; i++)
            connections.Add((await engine.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), TimeSpan.FromSeconds(10))).Connection!);
        var state = new RunState();
        var loops = connections.Select(c => LoopAsync(c, size, state)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(1), engine.TimeProvider); // warm-up (JIT, tiering, pools)
        state.Count = 0;
        Console.WriteLine("start");
        await Task.Delay(TimeSpan.FromSeconds(seconds), engine.TimeProvider);
        long done = state.Count;
        Console.WriteLine($"done {done}");
        state.Stop = true;
        await Task.WhenAll(loops);
        foreach (var c in connections) await c.DisposeAsync();
    }

    private sealed class RunState
    {
        public long Count;
        public bool Stop;
    }

    private static async Task LoopAsync(IoConnection connection, int size, RunState state)
    {
        var message = new byte[size];
        while (!state.Stop)
        {
            await connection.Output.WriteAsync(message);
            int got = 0;
            while (got < size)
            {
                var result = await connection.Input.ReadAsync();
                got += (int)result.Buffer.Length;
                connection.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted) return;
            }
            state.Count++;
        }
    }

    private static async Task ExchangeOnceAsync(IoConnection connection, int size)
    {
        await connection.Output.WriteAsync(new byte[size]);
        var result = await connection.Input.ReadAtLeastAsync(size);
        connection.Input.AdvanceTo(result.Buffer.End);
    }
}
