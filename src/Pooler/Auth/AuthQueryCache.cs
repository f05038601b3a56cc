// Cache of auth_query results per (database, user), shared by concurrent logins and cleared on reload.
using Pooler.Pools;
using Serilog;

namespace Pooler.Auth;

/// <summary>
/// Found secrets are kept until <see cref="Invalidate"/> (config reload), so 50 clients of one user cost one query.
/// Logins that arrive while a query runs wait for the same result. Unknown users and failures are not kept: a user
/// created on the server can log in at once, and a transient failure is retried by the next login. Bounded: when
/// full, the cache starts over. Loop-thread only.
/// </summary>
internal sealed class AuthQueryCache(ILogger log)
{
    public int MaxEntries { get; init; } = 10_000;

    private readonly Dictionary<(string Database, string User), Task<SecretLookup>> _entries = [];

    public int Count => _entries.Count;

    public Task<SecretLookup> LookupAsync(string database, string user, Pool authPool, string query)
    {
        var key = (database, user);
        if (_entries.TryGetValue(key, out var cached))
            return cached;
        if (_entries.Count >= MaxEntries)
            _entries.Clear();
        var task = AuthQueryRunner.RunAsync(authPool, query, user, log).AsTask();
        _entries[key] = task;
        _ = ForgetUnlessFoundAsync(key, task);
        return task;
    }

    public void Invalidate() => _entries.Clear();

    private async Task ForgetUnlessFoundAsync((string, string) key, Task<SecretLookup> task)
    {
        SecretLookup result;
        try
        {
            result = await task;
        }
        catch (Exception)
        {
            result = SecretLookup.Unknown;
        }
        if (result.Status != SecretLookupStatus.Found && _entries.TryGetValue(key, out var current) && current == task)
            _entries.Remove(key);
    }
}
