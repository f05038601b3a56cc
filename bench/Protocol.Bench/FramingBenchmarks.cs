// Frame reader and pass-through scanner over a recorded pgbench stream (extended protocol, 1000 TPC-B transactions).
using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace Pooler.Protocol.Bench;

/// <summary>
/// Each operation handles the whole recorded stream; frames/s = frames per stream / mean time. MemoryDiagnoser's
/// "Allocated" is per stream, so 0 B means 0 B per forwarded frame.
/// </summary>
[MemoryDiagnoser]
public class FramingBenchmarks
{
    private ReadOnlySequence<byte> _server;
    private ReadOnlySequence<byte> _client;
    private MessageScanner _serverScanner = null!;
    private MessageScanner _clientScanner = null!;

    /// <summary>Pipe segment size: 4 KiB is System.IO.Pipelines' default.</summary>
    [Params(4096)]
    public int SegmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var (client, server) = RecordedStream.LoadTyped("pgbench-extended");
        _server = RecordedStream.Segmented(server, SegmentSize);
        _client = RecordedStream.Segmented(client, SegmentSize);
        // Transaction mode, server to client: what the pooler must see whole.
        _serverScanner = new MessageScanner(MessageCodeSet.Of(BackendMessageCode.ReadyForQuery, BackendMessageCode.ParameterStatus,
            BackendMessageCode.ErrorResponse, BackendMessageCode.BackendKeyData), 64 * 1024);
        // Client to server with prepared-statement tracking on: the extended-protocol messages are held whole.
        _clientScanner = new MessageScanner(MessageCodeSet.Of(FrontendMessageCode.Parse, FrontendMessageCode.Bind, FrontendMessageCode.Describe,
            FrontendMessageCode.Close, FrontendMessageCode.Execute, FrontendMessageCode.Query, FrontendMessageCode.Terminate), 64 * 1024);
        if (FrameReaderServer() < 1000 || ScanServer() != _server.Length + 1000 + 1)
            throw new InvalidOperationException("recorded stream did not parse");
        Console.WriteLine($"// server stream: {_server.Length} bytes, {FrameReaderServer()} frames; client stream: {_client.Length} bytes, {FrameReaderClient()} frames");
    }

    [Benchmark(Description = "FrameReader.TryRead, server stream")]
    public int FrameReaderServer() => CountFrames(_server);

    [Benchmark(Description = "FrameReader.TryRead, client stream")]
    public int FrameReaderClient() => CountFrames(_client);

    private static int CountFrames(ReadOnlySequence<byte> buffer)
    {
        int frames = 0;
        while (FrameReader.TryRead(ref buffer, int.MaxValue - 4, out _, out _) == FrameReadStatus.Frame)
            frames++;
        return frames;
    }

    [Benchmark(Description = "MessageScanner + ReadyForQuery decode, server stream")]
    public long ScanServer()
    {
        var buffer = _server;
        _serverScanner.Reset();
        long forwarded = 0;
        while (true)
        {
            var r = _serverScanner.Scan(ref buffer);
            if (r.Status is ScanStatus.NeedMoreData or ScanStatus.Error)
                return forwarded;
            if (r.Status == ScanStatus.Frame && r.Code == (byte)BackendMessageCode.ReadyForQuery
                && ReadyForQueryMessage.TryParse(r.Frame.Body, out var status) && status == TransactionStatus.Idle)
                forwarded++;                               // where transaction mode would release the server
            forwarded += r.Bytes.Length;
        }
    }

    [Benchmark(Description = "MessageScanner + Parse/Bind name decode, client stream")]
    public long ScanClient()
    {
        var buffer = _client;
        _clientScanner.Reset();
        long names = 0;
        while (true)
        {
            var r = _clientScanner.Scan(ref buffer);
            if (r.Status is ScanStatus.NeedMoreData or ScanStatus.Error)
                return names;
            if (r.Status == ScanStatus.Frame)
            {
                if (r.Code == (byte)FrontendMessageCode.Parse && ParseMessage.TryParse(r.Frame.Body, out var parse))
                    names += parse.StatementNameBytes.Length;
                else if (r.Code == (byte)FrontendMessageCode.Bind && BindMessage.TryParse(r.Frame.Body, out var bind))
                    names += bind.StatementNameBytes.Length;
            }
        }
    }
}
