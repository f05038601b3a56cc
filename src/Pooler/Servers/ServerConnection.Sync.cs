// Which client's settings this server's session was last found to match: linking the next client with the same
// settings (every pgbench client, most application clients) skips comparing them one by one.
using Pooler.Clients;

namespace Pooler.Servers;

internal sealed partial class ServerConnection
{
    private ClientParameters? _syncedWith;
    private int _syncedVersion;

    /// <summary>The server's reported parameters or session settings changed: no client is known to match now.
    /// Called by every method that changes them.</summary>
    private void SettingsChanged() => _syncedWith = null;

    /// <summary>Whether <paramref name="client"/>'s settings are known to match this session: the same state as a
    /// client that matched, with nothing changed on either side since.</summary>
    public bool IsInSyncWith(ClientParameters client) =>
        _syncedWith is { } known && known.Version == _syncedVersion
        && (ReferenceEquals(known, client) || client.SameSettingsAs(known));

    /// <summary><paramref name="client"/>'s settings were compared with this session and need nothing.</summary>
    public void MarkInSyncWith(ClientParameters client)
    {
        _syncedWith = client;
        _syncedVersion = client.Version;
    }
}
