// Turning TLS on in a fixture server (ssl = on with certificates from TestCertificates), for server-side TLS tests.
namespace Pooler.TestSupport;

public sealed partial class PostgresServer
{
    /// <summary>
    /// Copies the certificate and key into the data directory (PostgreSQL wants the key private to its account),
    /// sets ssl = on and reloads. Plain connections keep working; TLS clients get SCRAM-SHA-256-PLUS offered.
    /// </summary>
    public async Task EnableSslAsync(string certFile, string keyFile, string? caFile = null)
    {
        var cert = System.IO.Path.Combine(DataDir, "server.crt");
        var key = System.IO.Path.Combine(DataDir, "server.key");
        File.Copy(certFile, cert, overwrite: true);
        File.Copy(keyFile, key, overwrite: true);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var conf = "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n";
        if (caFile is not null)
        {
            File.Copy(caFile, System.IO.Path.Combine(DataDir, "root.crt"), overwrite: true);
            conf += "ssl_ca_file = 'root.crt'\n";
        }
        await File.AppendAllTextAsync(System.IO.Path.Combine(DataDir, "postgresql.conf"), conf);
        await _account.GiveOwnershipAsync(DataDir);
        await ExecuteAsync("SELECT pg_reload_conf()");
        // The reload is asynchronous: wait until the postmaster has taken it (new sessions report ssl = on).
        for (var i = 0; i < 100; i++)
        {
            if ((string?)await ScalarAsync("SHOW ssl") == "on")
                return;
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"ssl did not turn on. Log tail:\n{_log.Tail()}");
    }
}
