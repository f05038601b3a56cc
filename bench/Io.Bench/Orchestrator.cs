// Runs each backend in turn in this process and measures this process's CPU time per round trip (the load
// generator is a child process) and the managed memory that idle sessions keep.
using System.Diagnostics;
using System.Net;

namespace Pooler.Io.Bench;

internal static class Orchestrator
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        Console.WriteLine($"# Io.Bench {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        Console.WriteLine($"# {options.Connections} connections ping-pong, {options.MessageSize}-byte messages, {options.Seconds} s per run; idle: {options.IdleConnections} connections");
        Console.WriteLine();
        Console.WriteLine("| backend | echo round trips/s | echo CPU µs/rt | proxy round trips/s | proxy CPU µs/rt | idle: retained B/conn | idle: allocated B/conn | idle: loop wake-ups/s | echo syscalls/rt | proxy syscalls/rt | echo alloc B/rt | proxy alloc B/rt |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var backend in options.Backends)
        {
            IoEngine engine;
            try { engine = IoEngine.Create(backend); }
            catch (NotSupportedException ex)
            {
                Console.WriteLine($"| {backend} | unavailable: {ex.Message} | | | | | | | | | | |");
                continue;
            }
            using (engine)
            {
                engine.Start();
                var echo = await EchoRunAsync(engine, options);
                var proxy = await ProxyRunAsync(engine, options);
                var idle = await IdleRunAsync(engine, options);
                Console.WriteLine($"| {engine.BackendName} | {echo.Rate:F0} | {echo.CpuMicros:F2} | {proxy.Rate:F0} | {proxy.CpuMicros:F2} | {idle.Retained:F0} | {idle.Allocated:F0} | {idle.WakeupsPerSecond:F1} | {echo.Syscalls:F2} | {proxy.Syscalls:F2} | {echo.AllocatedBytes:F1} | {proxy.AllocatedBytes:F1} |");
            }
        }
        return 0;
    }

    /// <summary>Syscalls: system calls per round trip over the middle of the run (perf); AllocatedBytes: managed
    /// bytes allocated per round trip by the whole process.</summary>
    private readonly record struct RunResult(double Rate, double CpuMicros, double Syscalls, double AllocatedBytes);

    private static Process StartClient(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [typeof(Orchestrator).Assembly.Location, "client", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
        };
        return Process.Start(psi)!;
    }

    private static TimeSpan Cpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static async Task<RunResult> MeasureAsync(Process client, int seconds)
    {
        while (await client.StandardOutput.ReadLineAsync() is { } line && line != "start") { }
        var cpu0 = Cpu();
        long allocated0 = GC.GetTotalAllocatedBytes();
        var clock = Stopwatch.StartNew();
        var syscalls = SyscallCounter.Start(Math.Max(1, seconds / 2));
        var done = await client.StandardOutput.ReadLineAsync() ?? "done 0";
        bool countedInsideRun = syscalls.Finished; // perf may start late on a loaded machine: then no figure
        var cpu1 = Cpu();
        long allocated1 = GC.GetTotalAllocatedBytes();
        clock.Stop();
        long trips = long.Parse(done.Split(' ')[1]);
        await client.WaitForExitAsync();
        double rate = trips / clock.Elapsed.TotalSeconds;
        return new RunResult(rate, (cpu1 - cpu0).TotalMicroseconds / Math.Max(1, trips),
            countedInsideRun ? await syscalls.PerSecondAsync() / rate : double.NaN, (allocated1 - allocated0) / (double)Math.Max(1, trips));
    }

    private static async Task<RunResult> EchoRunAsync(IoEngine engine, BenchOptions o)
    {
        using var listener = engine.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        _ = engine.RunAsync(() => Sessions.AcceptLoopAsync(listener, Sessions.EchoAsync));
        using var client = StartClient("pingpong", ((IPEndPoint)listener.LocalEndPoint).Port.ToString(),
            o.Connections.ToString(), o.Seconds.ToString(), o.MessageSize.ToString());
        return await MeasureAsync(client, o.Seconds);
    }

    private static async Task<RunResult> ProxyRunAsync(IoEngine engine, BenchOptions o)
    {
        using var client = StartClient("proxy", o.Connections.ToString(), o.Seconds.ToString(), o.MessageSize.ToString());
        var line = await client.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("client died");
        var upstream = new IPEndPoint(IPAddress.Loopback, int.Parse(line.Split(' ')[1]));
        using var listener = engine.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        _ = engine.RunAsync(() => Sessions.AcceptLoopAsync(listener, c => Sessions.ProxyAsync(engine, c, upstream)));
        await client.StandardInput.WriteLineAsync(((IPEndPoint)listener.LocalEndPoint).Port.ToString());
        await client.StandardInput.FlushAsync();
        return await MeasureAsync(client, o.Seconds);
    }

    private static async Task<(double Retained, double Allocated, double WakeupsPerSecond)> IdleRunAsync(IoEngine engine, BenchOptions o)
    {
        using var listener = engine.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        var accepted = new List<IoConnection>(o.IdleConnections);
        await engine.Invoke(() => 0);
        long retained0 = GC.GetTotalMemory(forceFullCollection: true);
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var acceptAll = engine.RunAsync(async () =>
        {
            while (accepted.Count < o.IdleConnections && await listener.AcceptAsync() is { } c)
            {
                accepted.Add(c);
                _ = Sessions.EchoAsync(c); // a session parked in ReadAsync: what an idle client costs
            }
            return accepted.Count;
        });
        using var client = StartClient("idle", ((IPEndPoint)listener.LocalEndPoint).Port.ToString(), o.IdleConnections.ToString());
        await client.StandardOutput.ReadLineAsync(); // "connected"
        await acceptAll;
        await engine.Invoke(() => 0); // let every session reach its first await
        await engine.RunAsync(async () => { await Task.Yield(); return 0; });
        long allocated1 = GC.GetTotalAllocatedBytes(precise: true);
        long retained1 = GC.GetTotalMemory(forceFullCollection: true);
        // Idle means idle: count the loop thread's context switches while the 2,000 sessions sit idle.
        long switches0 = LoopThreadSwitches(engine);
        await Task.Delay(TimeSpan.FromSeconds(3));
        long switches1 = LoopThreadSwitches(engine);
        GC.KeepAlive(accepted);
        await client.StandardInput.WriteLineAsync("bye");
        await client.StandardInput.FlushAsync();
        await client.WaitForExitAsync();
        double n = o.IdleConnections;
        return ((retained1 - retained0) / n, (allocated1 - allocated0) / n, (switches1 - switches0) / 3.0);
    }

    /// <summary>voluntary + involuntary context switches of the engine's loop thread, from /proc.</summary>
    private static long LoopThreadSwitches(IoEngine engine)
    {
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            string comm;
            try { comm = File.ReadAllText(Path.Combine(task, "comm")).Trim(); }
            catch (IOException) { continue; }
            if (comm != $"io-loop-{engine.LoopId}") continue;
            long total = 0;
            foreach (var line in File.ReadAllLines(Path.Combine(task, "status")))
                if (line.Contains("ctxt_switches:")) total += long.Parse(line.Split(':')[1].Trim());
            return total;
        }
        return -1;
    }
}
