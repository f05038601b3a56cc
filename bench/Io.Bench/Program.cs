// Io benchmark. The measuring process runs the backend under test (echo server, two-hop proxy, idle sessions);
// a child process (this same program in "client" mode, always on epoll) generates the load, so the CPU time
// measured is the server side's only. Usage:
//   dotnet run -c Release --project bench/Io.Bench -- [--conns 64] [--seconds 5] [--idle 2000] [--backends portable,epoll,io_uring]
using Pooler.Io.Bench;

if (args.Length > 0 && args[0] == "client") return await LoadClient.RunAsync(args[1..]);
var options = BenchOptions.Parse(args);
return await Orchestrator.RunAsync(options);
