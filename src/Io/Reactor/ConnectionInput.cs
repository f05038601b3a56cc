// Input of an FdConnection: a PipeReader over the connection's rented input Pipe. While nothing is buffered there
// is no pipe, and a read parks here (this object is its own IValueTaskSource); it completes through the loop's
// queue, like a Pipe with the loop scheduler. Loop thread only, like the rest of a connection.
using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;

namespace Pooler.Io;

internal sealed class ConnectionInput(FdConnection connection) : PipeReader, IValueTaskSource<ReadResult>
{
    private readonly FdConnection _connection = connection;
    private ReadOnlySequence<byte> _last;   // the buffer handed out by the read in progress
    private bool _reading;                  // a read returned and AdvanceTo has not been called yet
    private bool _fromPipe;                 // ... and it came from the pipe (not an empty canceled result)
    private bool _examinedAll = true;       // the application examined everything buffered: wait for more
    private bool _newData;                  // bytes or completion arrived since the last read
    private bool _cancelNext;               // CancelPendingRead with no read parked: the next read returns canceled
    private bool _completed;

    // The parked read, or a watch (Watch): _continuation/_continuationState then hold the watch's callback.
    private bool _parked, _done, _watching;
    // The finished parked read's flags; its buffer is _last (a ReadResult field would cost 32 bytes per connection).
    private bool _resultCanceled, _resultCompleted;
    private short _token;
    private Exception? _error;
    private Action<object?>? _continuation;
    private object? _continuationState;
    // Boxed, and only for a read with a cancellable token (the TLS handshake's): 16 bytes inline on every connection.
    private StrongBox<CancellationTokenRegistration>? _registration;

    public bool Reading => _reading;
    public bool IsCompleted => _completed;

    private bool HasNews => _cancelNext
        || (_connection.InputPipe is not null && (_newData || !_examinedAll || _connection.InputEnded));

    public override bool TryRead(out ReadResult result)
    {
        ThrowIfBusy();
        if (HasNews)
        {
            result = Take(TakeCancelRequest());
            return true;
        }
        result = default;
        return false;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfBusy();
        if (HasNews) return new ValueTask<ReadResult>(Take(TakeCancelRequest()));
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<ReadResult>(cancellationToken);
        _parked = true;
        if (cancellationToken.CanBeCanceled)
        {
            _registration = new(cancellationToken.UnsafeRegister(static (s, ct) =>
            {
                var (input, token) = ((ConnectionInput, short))s!;
                input._connection.Engine.Post(static x =>
                {
                    var (i, t, c) = ((ConnectionInput, short, CancellationToken))x!;
                    if (i._parked && i._token == t) i.FinishParked(canceled: false, new OperationCanceledException(c));
                }, (input, token, ct));
            }, (this, _token)));
        }
        return new ValueTask<ReadResult>(this, _token);
    }

    /// <summary>
    /// IoConnection.WaitReadable: post <paramref name="callback"/> once a read would return at once. No read may be
    /// in progress; the watch holds no ValueTask, only the callback and its state.
    /// </summary>
    internal void Watch(Action<object?> callback, object? state)
    {
        ThrowIfBusy();
        if (HasNews)
        {
            _connection.Engine.Post(callback, state);
            return;
        }
        _watching = true;
        _continuation = callback;
        _continuationState = state;
    }

    private void FireWatch()
    {
        _watching = false;
        var callback = _continuation!;
        var state = _continuationState;
        _continuation = null;
        _continuationState = null;
        _connection.Engine.Post(callback, state);
    }

    // Hands out what is buffered (and completion); the read lasts until AdvanceTo.
    private ReadResult Take(bool canceled)
    {
        var result = new ReadResult(default, canceled, isCompleted: false);
        _fromPipe = false;
        if (_connection.InputPipe is { } pipe)
        {
            if (canceled) pipe.Reader.CancelPendingRead();
            _fromPipe = pipe.Reader.TryRead(out result);
            if (!_fromPipe) result = new ReadResult(default, canceled, isCompleted: false);
        }
        _reading = true;
        _newData = false;
        _last = result.Buffer;
        return result;
    }

    private bool TakeCancelRequest()
    {
        bool cancel = _cancelNext;
        _cancelNext = false;
        return cancel;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (!_reading) throw new InvalidOperationException("No read to advance: call ReadAsync or TryRead first.");
        _reading = false;
        var last = _last;
        _last = default;
        if (!_fromPipe || _connection.InputPipe is not { } pipe) return;
        // The usual case, everything consumed, needs no slicing.
        bool all = consumed.Equals(last.End);
        long consumedBytes = all ? last.Length : last.Slice(last.Start, consumed).Length;
        _examinedAll = all || examined.Equals(last.End) || last.Slice(last.Start, examined).Length == last.Length;
        pipe.Reader.AdvanceTo(consumed, examined);
        _connection.OnInputAdvanced(consumedBytes);
    }

    public override void CancelPendingRead()
    {
        if (!_connection.Engine.IsOnLoopThread)
        {
            _connection.Engine.Post(static s => ((ConnectionInput)s!).CancelPendingRead(), this);
            return;
        }
        if (_parked) FinishParked(canceled: true, null);
        else
        {
            _cancelNext = true;
            if (_watching) FireWatch();
        }
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed) return;
        _completed = true;
        _reading = false;
        _last = default;
        if (_parked)
        {
            // Completing while a read waits is a misuse; end that read as "completed" rather than leave it hanging.
            _parked = false;
            DisposeRegistration();
            SetResult(new ReadResult(default, isCanceled: false, isCompleted: true));
            Signal();
        }
        else if (_watching)
        {
            FireWatch();
        }
        _connection.OnInputCompleted();
    }

    /// <summary>Bytes or completion arrived (from the connection's receive path).</summary>
    internal void OnDataAdded()
    {
        _newData = true;
        if (_parked) FinishParked(canceled: false, null);
        else if (_watching) FireWatch();
    }

    internal void OnPipeReleased()
    {
        _examinedAll = true;
        _newData = false;
    }

    private void FinishParked(bool canceled, Exception? error)
    {
        _parked = false;
        DisposeRegistration();
        _error = error;
        if (error is null)
        {
            try { SetResult(Take(canceled)); }
            catch (Exception ex) { _error = ex; } // the input ended with an error: the read throws it
        }
        Signal();
    }

    private void DisposeRegistration()
    {
        if (_registration is not { } registration) return;
        _registration = null;
        registration.Value.Dispose();
    }

    // The buffer of every result set here is _last (Take sets it; completing clears it).
    private void SetResult(in ReadResult result)
    {
        _resultCanceled = result.IsCanceled;
        _resultCompleted = result.IsCompleted;
    }

    private void Signal()
    {
        _done = true;
        if (_continuation is { } continuation)
        {
            var state = _continuationState;
            _continuation = null;
            _continuationState = null;
            _connection.Engine.Post(continuation, state);
        }
    }

    private void ThrowIfBusy()
    {
        if (_completed) throw new InvalidOperationException("Reading is not allowed after the reader was completed.");
        if (_reading || _parked || _done || _watching) throw new InvalidOperationException("A read is already in progress.");
    }

    public ValueTaskSourceStatus GetStatus(short token) =>
        !_done ? ValueTaskSourceStatus.Pending
        : _error is null ? ValueTaskSourceStatus.Succeeded
        : _error is OperationCanceledException ? ValueTaskSourceStatus.Canceled
        : ValueTaskSourceStatus.Faulted;

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        if (_done) _connection.Engine.Post(continuation, state);
        else
        {
            _continuation = continuation;
            _continuationState = state;
        }
    }

    public ReadResult GetResult(short token)
    {
        if (token != _token || !_done) throw new InvalidOperationException("The read's result was already taken or is not ready.");
        _done = false;
        _token++;
        var error = _error;
        _error = null;
        if (error is not null) ExceptionDispatchInfo.Throw(error);
        var result = new ReadResult(_last, _resultCanceled, _resultCompleted);
        _resultCanceled = _resultCompleted = false;
        return result;
    }
}
