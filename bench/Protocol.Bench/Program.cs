// Entry point: runs the protocol benchmarks (dotnet run -c Release -- --filter '*').
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Pooler.Protocol.Bench.FramingBenchmarks).Assembly).Run(args);
