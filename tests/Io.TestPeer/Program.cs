// Test peer process. Modes:
//   recv-fd <backend> <channel-fd>   receive one socket over the channel, adopt it, echo it (payload first) to EOF
//   watch-parent <backend>           print "ready", then "parent-died" when the parent process exits
using System.Buffers;
using Pooler.Io;

var backend = Enum.Parse<EvBackend>(args[1], ignoreCase: true);
using var engine = IoEngine.Create(backend);
engine.Start();
var exit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
_ = Task.Delay(TimeSpan.FromSeconds(60)).ContinueWith(_ => exit.TrySetResult(3)); // never outlive a broken test

switch (args[0])
{
    case "recv-fd":
        int channelFd = int.Parse(args[2]);
        _ = engine.RunAsync(async () =>
        {
            using var channel = engine.OpenFdChannel(channelFd);
            var message = await channel.ReceiveAsync();
            if (message.Status != FdReceiveStatus.Received || message.Fd < 0)
            {
                Console.WriteLine($"receive-failed {message.Status} {message.Errno}");
                exit.TrySetResult(2);
                return;
            }
            var connection = engine.Adopt(message.Fd, message.Payload);
            while (true)
            {
                var result = await connection.Input.ReadAsync();
                foreach (var segment in result.Buffer) connection.Output.Write(segment.Span);
                connection.Input.AdvanceTo(result.Buffer.End);
                await connection.Output.FlushAsync();
                if (result.IsCompleted) break;
            }
            await connection.DisposeAsync();
            Console.WriteLine("echo-done");
            exit.TrySetResult(0);
        });
        break;
    case "watch-parent":
        engine.WatchParentDeath(() =>
        {
            Console.WriteLine("parent-died");
            exit.TrySetResult(0);
        });
        Console.WriteLine("ready");
        break;
    default:
        Console.Error.WriteLine($"unknown mode {args[0]}");
        return 64;
}
return await exit.Task;
