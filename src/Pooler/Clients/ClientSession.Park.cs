// A logged-in client between messages is parked: no async method is suspended for it, only a readiness callback.
namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    // An awaited ReadAsync keeps the whole suspended call chain alive (the RunAsync and forwarding state machines,
    // ~500 bytes per client) for as long as the client is idle, and a pending ValueTask plus a delegate to resume it
    // still cost ~110. Instead the forwarding loop returns when nothing is buffered, and the connection calls back
    // (a static delegate, this session as its state) when a read would return at once.
    private static readonly Action<object?> s_resume = static s => _ = ((ClientSession)s!).ForwardAsync();

    /// <summary>Forward what the client sent until the next park or the end of the session.</summary>
    private async ValueTask ForwardAsync()
    {
        SessionEnd end;
        try
        {
            if (await ForwardCoreAsync() is not { } ended)
                return; // parked again
            end = ended;
        }
        catch (Exception ex)
        {
            Log.Error(ex, "session failed");
            end = SessionEnd.InternalError;
        }
        await EndAsync(end);
    }

    /// <summary>
    /// Nothing to read now: wait without a suspended method; the connection's callback forwards again. The scanner
    /// goes back to the loop's pool unless a message is partly through (ClientSession.Transaction.cs).
    /// </summary>
    private void Park()
    {
        ReturnScanner(force: false);
        _conn.WaitReadable(s_resume, this);
    }
}
