// One bench client's connection to PostgreSQL (or a pooler): login, then statements in simple, extended or
// prepared mode, each awaited up to its ReadyForQuery. Built on Pooler.Io pipes and Pooler.Protocol writers.
using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Pooler.Io;
using Pooler.Protocol;

namespace Pooler.Bench;

/// <summary>A logged-in connection; used only on its engine's loop thread.</summary>
public sealed partial class BenchConnection : IAsyncDisposable
{
    /// <summary>Largest message accepted (a DataRow of a custom script may be big; PostgreSQL's own limit is 1 GB).</summary>
    private const int MaxMessage = 256 << 20;

    private readonly IoConnection _conn;
    private bool[] _prepared = [];
    private string?[] _parameters = new string?[4];

    private BenchConnection(IoConnection conn) => _conn = conn;

    /// <summary>The status byte of the last ReadyForQuery (Idle after login).</summary>
    public TransactionStatus TransactionStatus { get; private set; } = TransactionStatus.Idle;

    /// <summary>Connects and logs in; a failure is an error message ("connection refused", the server's error).</summary>
    public static async Task<(BenchConnection? Connection, string? Error)> OpenAsync(IoEngine engine, EndPoint endPoint,
        BenchOptions options, TimeSpan timeout, CancellationToken ct)
    {
        var connect = await engine.ConnectAsync(endPoint, timeout, ct);
        if (!connect.IsConnected || connect.Connection is null)
            return (null, $"could not connect to {Describe(endPoint)}: {connect.Status} (errno {connect.Errno})");
        var connection = new BenchConnection(connect.Connection);
        string? error;
        try
        {
            using var cancel = ct.Register(static c => ((IoConnection)c!).Abort(ShutdownKind.Aborted), connect.Connection);
            error = await connection.LoginAsync(options);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            error = $"connection lost during login: {e.Message}";
        }
        if (error is null)
            return (connection, null);
        await connection.DisposeAsync();
        return (null, error);
    }

    /// <summary>Sends one script command with the client's variable values and waits for its ReadyForQuery.</summary>
    // Pooled builder: one statement per round trip always suspends, so the default builder would allocate a box each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StatementOutcome> ExecuteAsync(SqlCommand command, QueryMode mode, IReadOnlyDictionary<string, long> variables)
    {
        var w = _conn.Output;
        switch (mode)
        {
            case QueryMode.Simple:
                FrontendMessages.WriteQuery(w, command.BuildSimpleText(variables));
                break;
            case QueryMode.Extended:
                FrontendMessages.WriteParse(w, "", command.ParameterizedText, ReadOnlySpan<uint>.Empty);
                WriteBindExecute(w, command, "", variables);
                break;
            default:
                if (command.Index >= _prepared.Length)
                    Array.Resize(ref _prepared, command.Index + 1);
                if (!_prepared[command.Index])
                    FrontendMessages.WriteParse(w, command.StatementName, command.ParameterizedText, ReadOnlySpan<uint>.Empty);
                WriteBindExecute(w, command, command.StatementName, variables);
                break;
        }
        return await SendAndWaitAsync(mode == QueryMode.Prepared ? command.Index : -1);
    }

    /// <summary>Runs a simple query and returns the first column of its first row as text (setup queries).</summary>
    public async ValueTask<(string? Value, StatementOutcome Outcome)> QueryScalarAsync(string sql)
    {
        FrontendMessages.WriteQuery(_conn.Output, sql);
        _scalar = null;
        _wantScalar = true;
        try
        {
            var outcome = await SendAndWaitAsync(-1);
            return (_scalar, outcome);
        }
        finally
        {
            _wantScalar = false;
        }
    }

    /// <summary>Sends Terminate and closes (pgbench's polite disconnect).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            FrontendMessages.WriteTerminate(_conn.Output);
            await _conn.Output.FlushAsync();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            // Already gone: nothing left to say goodbye to.
        }
        await _conn.DisposeAsync();
    }

    /// <summary>Closes at once (a stop while a statement is in flight).</summary>
    public void Abort() => _conn.Abort(ShutdownKind.Aborted);

    private void WriteBindExecute(IBufferWriter<byte> w, SqlCommand command, string statement, IReadOnlyDictionary<string, long> variables)
    {
        var count = command.ParameterNames.Count;
        if (_parameters.Length < count)
            _parameters = new string?[count];
        command.FillParameters(variables, _parameters);
        FrontendMessages.WriteBind(w, "", statement, _parameters.AsSpan(0, count));
        FrontendMessages.WriteDescribe(w, StatementTarget.Portal, "");
        FrontendMessages.WriteExecute(w, "");
        FrontendMessages.WriteSync(w);
    }

    private static string Describe(EndPoint endPoint) =>
        endPoint is System.Net.Sockets.UnixDomainSocketEndPoint u ? $"socket \"{u}\"" : endPoint.ToString() ?? "server";

    internal static string DecodeText(in ReadOnlySequence<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
