// Finds the client session a CancelRequest names, by the pooler-issued key.
using System.Security.Cryptography;

namespace Pooler.Clients;

internal sealed class CancelRegistry(int workerId)
{
    private readonly Dictionary<int, ClientSession> _byProcessId = [];

    public CancelKey Register(ClientSession session)
    {
        while (true)
        {
            var key = CancelKey.Create(workerId);
            if (_byProcessId.TryAdd(key.ProcessId, session))
                return key;
        }
    }

    public void Unregister(CancelKey key, ClientSession session)
    {
        if (_byProcessId.TryGetValue(key.ProcessId, out var s) && s == session)
            _byProcessId.Remove(key.ProcessId);
    }

    /// <summary>The session whose key matches, compared in constant time as PostgreSQL does.</summary>
    public ClientSession? Find(int processId, ReadOnlySpan<byte> secret) =>
        _byProcessId.TryGetValue(processId, out var s) && CryptographicOperations.FixedTimeEquals(s.CancelKey.Secret, secret)
            ? s
            : null;
}
