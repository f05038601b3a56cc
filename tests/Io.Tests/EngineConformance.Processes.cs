// Conformance: fd passing to a second process, and parent death noticed by a grandchild within a second.
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Pooler.Io.Tests;

public abstract partial class EngineConformance
{
    private static readonly string PeerDll = Path.Combine(AppContext.BaseDirectory, "Pooler.Io.TestPeer.dll");

    private string BackendArgument => Engine.BackendName switch { "io_uring" => "IoUring", "epoll" => "Epoll", _ => "Portable" };

    [ConformanceFact]
    public async Task FdChannel_SocketPassedToSecondProcess_PeerTalksOnIt()
    {
        FdChannel.CreatePair(out int ours, out int theirs);
        FdChannel.AllowInherit(theirs);
        using var peer = Process.Start(new ProcessStartInfo("dotnet", [PeerDll, "recv-fd", BackendArgument, theirs.ToString()])
        {
            RedirectStandardOutput = true,
        })!;
        IoEngine.CloseFd(theirs);
        try
        {
            using var listener = Engine.Listen(Loopback0);
            var acceptTask = Engine.RunAsync(async () => (await listener.AcceptAsync())!);
            using var client = ConnectBlocking(listener.LocalEndPoint);
            var server = await WithTimeout(acceptTask);
            client.Send("hello "u8);
            var sent = await WithTimeout(Engine.RunAsync(async () =>
            {
                // Like the supervisor: read the first packet, then hand the socket over with those bytes.
                var first = await server.Input.ReadAtLeastAsync(6);
                var payload = Encoding.ASCII.GetBytes("first:" + Encoding.ASCII.GetString(first.Buffer));
                server.Input.AdvanceTo(first.Buffer.End);
                int fd = server.DetachFd();
                using var channel = Engine.OpenFdChannel(ours);
                var status = await channel.SendAsync(fd, payload);
                IoEngine.CloseFd(fd);
                return status;
            }));
            Assert.Equal(FdSendStatus.Sent, sent);
            Assert.Equal(ShutdownKind.Detached, server.ShutdownReason);
            client.Send("ping"u8);
            Assert.Equal("first:hello ping", Encoding.ASCII.GetString(ReceiveExactly(client, 16)));
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, client.Receive(new byte[1])); // the peer saw our EOF and closed its side
            Assert.Equal("echo-done", await WithTimeout(peer.StandardOutput.ReadLineAsync()));
        }
        finally
        {
            if (!peer.HasExited) peer.Kill();
        }
    }

    [ConformanceFact]
    public async Task WatchParentDeath_IntermediateKilled_GrandchildNoticesWithinOneSecond()
    {
        // sh starts the watcher in the background and waits; killing sh makes the watcher an orphan.
        using var intermediate = Process.Start(new ProcessStartInfo("/bin/sh",
            ["-c", "\"$0\" \"$@\" & wait", "dotnet", PeerDll, "watch-parent", BackendArgument])
        {
            RedirectStandardOutput = true,
        })!;
        try
        {
            Assert.Equal("ready", await WithTimeout(intermediate.StandardOutput.ReadLineAsync()));
            var clock = Stopwatch.StartNew();
            intermediate.Kill(); // only sh; the watcher keeps our stdout pipe
            var line = await WithTimeout(intermediate.StandardOutput.ReadLineAsync(), TimeSpan.FromSeconds(10));
            clock.Stop();
            Assert.Equal("parent-died", line);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"noticed after {clock.Elapsed.TotalMilliseconds:F0} ms");
        }
        finally
        {
            if (!intermediate.HasExited) intermediate.Kill(entireProcessTree: true);
        }
    }
}
