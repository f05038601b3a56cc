// Per-loop pool of the scanners of client messages: a session holds one only while it forwards or while a message
// of its is partly passed through, so an idle client between messages holds none (a scanner is 96 bytes).
using Pooler.Protocol;

namespace Pooler.Clients;

/// <summary>
/// Between messages a scanner holds no state (a header or a whole message still incomplete is read again from the
/// pipe next time), so any session can take any free one. Loop thread only, like the sessions, hence no locking.
/// </summary>
internal sealed class ScannerPool(int capacity = 256)
{
    private readonly Stack<MessageScanner> _free = new();

    public MessageScanner Rent() => _free.TryPop(out var scanner) ? scanner : new MessageScanner(MessageCodeSet.Empty, 0);

    /// <summary>Takes back a scanner its session no longer uses; what it remembered of a message is forgotten.</summary>
    public void Return(MessageScanner scanner)
    {
        scanner.Reset();
        if (_free.Count < capacity)
            _free.Push(scanner);
    }
}
