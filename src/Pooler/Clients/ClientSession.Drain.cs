// Graceful stop (SIGTERM): which sessions are in the middle of something that should be let finish.
using Pooler.Protocol;

namespace Pooler.Clients;

internal sealed partial class ClientSession
{
    /// <summary>True while a query runs or a transaction is open on this client's server; such a session is let
    /// finish on a graceful stop and ends at its next ReadyForQuery 'I'.</summary>
    internal bool IsBusy => _server is { } s && (s.PendingReady > 0 || s.TransactionStatus != TransactionStatus.Idle);
}
