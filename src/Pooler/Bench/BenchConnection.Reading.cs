// Reading a bench connection's responses: frames up to ReadyForQuery, remembering the first error's SQLSTATE.
using System.Buffers;
using System.Runtime.CompilerServices;
using Pooler.Protocol;

namespace Pooler.Bench;

public sealed partial class BenchConnection
{
    private bool _wantScalar;
    private string? _scalar;

    /// <summary>Flushes what was written and reads until ReadyForQuery. <paramref name="preparing"/> is the SQL
    /// command index whose ParseComplete marks its statement prepared (-1 for none).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<StatementOutcome> SendAndWaitAsync(int preparing)
    {
        try
        {
            var flush = await _conn.Output.FlushAsync();
            if (flush.IsCompleted)
                return new StatementOutcome(StatementStatus.ConnectionLost, Message: "server closed the connection");
            string? sqlState = null, message = null;
            var input = _conn.Input;
            while (true)
            {
                var read = await input.ReadAsync();
                var buffer = read.Buffer;
                var done = false;
                while (!done)
                {
                    var status = FrameReader.TryRead(ref buffer, MaxMessage, out var frame, out var error);
                    if (status == FrameReadStatus.NeedMoreData)
                        break;
                    if (status == FrameReadStatus.Error)
                    {
                        input.AdvanceTo(buffer.Start, buffer.End);
                        return new StatementOutcome(StatementStatus.ConnectionLost, Message: "invalid message from server: " + error.Message);
                    }
                    switch (frame.BackendCode)
                    {
                        case BackendMessageCode.ReadyForQuery:
                            if (ReadyForQueryMessage.TryParse(frame.Body, out var ts))
                                TransactionStatus = ts;
                            done = true;
                            break;
                        case BackendMessageCode.ErrorResponse when sqlState is null:
                            ErrorFields.TryParse(frame.Body, out var fields);
                            sqlState = fields.SqlState ?? "XX000";
                            message = fields.Message;
                            break;
                        case BackendMessageCode.ParseComplete when preparing >= 0:
                            _prepared[preparing] = true;
                            break;
                        case BackendMessageCode.DataRow when _wantScalar && _scalar is null:
                            _scalar = FirstColumn(frame.Body);
                            break;
                    }
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                if (done)
                    return sqlState is null ? new StatementOutcome(StatementStatus.Ok)
                        : new StatementOutcome(StatementStatus.Error, sqlState, message);
                if (read.IsCompleted || read.IsCanceled)
                    return new StatementOutcome(StatementStatus.ConnectionLost, sqlState, message ?? "server closed the connection");
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            return new StatementOutcome(StatementStatus.ConnectionLost, Message: e.Message);
        }
    }

    /// <summary>The text of a DataRow's first column ("" for NULL).</summary>
    private static string FirstColumn(ReadOnlySequence<byte> body)
    {
        var reader = new SequenceReader<byte>(body);
        if (!reader.TryReadBigEndian(out short columns) || columns < 1 || !reader.TryReadBigEndian(out int length) || length < 0)
            return "";
        return reader.Remaining >= length ? DecodeText(body.Slice(reader.Position, length)) : "";
    }
}
