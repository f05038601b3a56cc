// Command-line options of the benchmark.
using Pooler.Io;

namespace Pooler.Io.Bench;

internal sealed record BenchOptions(int Connections, int Seconds, int IdleConnections, EvBackend[] Backends, int MessageSize)
{
    public static BenchOptions Parse(string[] args)
    {
        int conns = 64, seconds = 5, idle = 2000, size = 32;
        var backends = new[] { EvBackend.Portable, EvBackend.Epoll, EvBackend.IoUring };
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--conns": conns = int.Parse(args[i + 1]); break;
                case "--seconds": seconds = int.Parse(args[i + 1]); break;
                case "--idle": idle = int.Parse(args[i + 1]); break;
                case "--size": size = int.Parse(args[i + 1]); break;
                case "--backends":
                    backends = args[i + 1].Split(',').Select(b => Enum.Parse<EvBackend>(b.Replace("_", ""), true)).ToArray();
                    break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        return new BenchOptions(conns, seconds, idle, backends, size);
    }
}
