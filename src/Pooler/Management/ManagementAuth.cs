// Who may use the TCP management port: admin_users whose password (auth_file) proves itself with SCRAM-SHA-256.
using Pooler.Auth;
using Pooler.Config;
using Pooler.Protocol.Auth;

namespace Pooler.Management;

/// <summary>
/// Built per connection from the options in force, so RELOAD changes admin_users and re-reads auth_file here too.
/// A user outside admin_users, or unknown, runs the same exchange as a wrong password and fails at its end.
/// </summary>
internal sealed class ManagementAuth(IReadOnlyList<string> adminUsers, Func<string, StoredSecret?> secretOf)
{
    public static ManagementAuth FromOptions(PoolerOptions options)
    {
        var file = string.IsNullOrEmpty(options.AuthFile) ? null : AuthFile.Load(options.AuthFile);
        return new ManagementAuth(options.AdminUsers,
            user => file?.Find(user)?.Secret is { } secret ? StoredSecret.From(secret) : null);
    }

    /// <summary>The exchange for <paramref name="user"/>; <paramref name="allowed"/> is false for anyone who must fail.
    /// Inside TLS, <paramref name="channelBinding"/> (tls-server-end-point of our certificate) lets the client choose
    /// SCRAM-SHA-256-PLUS, which ties the proof to this TLS connection.</summary>
    public ScramServer Begin(string user, out bool allowed, byte[]? channelBinding = null)
    {
        var secret = adminUsers.Contains(user, StringComparer.Ordinal) ? secretOf(user) : null;
        allowed = secret is { Kind: not SecretKind.Md5 };
        return secret switch
        {
            { Kind: SecretKind.ScramSha256 } => new ScramServer(secret.Scram!, channelBinding),
            { Kind: SecretKind.Plain } => ScramServer.ForPassword(secret.Value, channelBinding),
            _ => ScramServer.ForUnknownUser(user, channelBinding),
        };
    }
}
