// Checks that span several options (pool sizes, authentication needs, TLS files, listeners), run after binding,
// so a file is judged as a whole and every problem is reported together.
using System.Net;
using Pooler.Config.Binding;

namespace Pooler.Config;

/// <summary>Cross-field validation. Single-option checks (types, ranges, enums) happen while binding.</summary>
internal static class ConfigChecks
{
    /// <summary>Names the admin console answers to; a real database cannot take them.</summary>
    private static readonly string[] ReservedDatabases = ["pgbouncer", "pooler"];

    private static readonly HashSet<string> TlsProtocolWords =
        ["all", "secure", "legacy", "tlsv1.0", "tlsv1.1", "tlsv1.2", "tlsv1.3"];

    public static void Run(
        PoolerConfig config,
        SectionReader pooler,
        IReadOnlyDictionary<string, SectionReader> databases,
        IReadOnlyDictionary<string, SectionReader> users,
        List<ConfigError> errors)
    {
        var p = config.Pooler;
        var bindingErrors = errors.Count;
        CheckListeners(p, pooler);
        CheckPools(config, pooler, databases);
        CheckAuth(config, pooler);
        CheckTls(p, pooler);
        CheckFiles(p, pooler);
        foreach (var (name, reader) in users)
        {
            if (name.Length == 0)
                reader.TableError("user name must not be empty");
        }

        // An option that failed to bind holds its default, so checks built on it would only echo the first error
        // (e.g. auth_type = "kerberos" then "md5 needs auth_file"): keep the binding error alone.
        var failed = errors.Take(bindingErrors).Select(e => e.KeyPath).ToHashSet(StringComparer.Ordinal);
        for (var i = errors.Count - 1; i >= bindingErrors; i--)
        {
            if (failed.Contains(errors[i].KeyPath))
                errors.RemoveAt(i);
        }
    }

    private static void CheckListeners(PoolerOptions p, SectionReader r)
    {
        if (p.ListenAddr.Count == 0 && p.UnixSocketDir is null)
            r.Error("listen_addr", "no listener: listen_addr is empty and unix_socket_dir is disabled");
        foreach (var address in p.ListenAddr)
        {
            if (!IsAddress(address, allowStar: true))
                r.Error("listen_addr", $"\"{address}\" is not an IP address, a host name or \"*\"");
        }
        if (p.MetricsAddr is not null && !IsAddress(p.MetricsAddr, allowStar: true))
            r.Error("metrics_addr", $"\"{p.MetricsAddr}\" is not an IP address, a host name or \"*\"");
        if (p.ManagementPort != 0 && p.ManagementPort == p.ListenPort)
            r.Error("management_port", "must differ from listen_port");
        if (p.MetricsPort != 0 && (p.MetricsPort == p.ListenPort || p.MetricsPort == p.ManagementPort))
            r.Error("metrics_port", "must differ from listen_port and management_port");
    }

    private static void CheckPools(PoolerConfig config, SectionReader r, IReadOnlyDictionary<string, SectionReader> databases)
    {
        var p = config.Pooler;
        if (p.MinPoolSize > p.DefaultPoolSize)
            r.Error("min_pool_size", $"must not exceed default_pool_size ({p.DefaultPoolSize})");
        if (p.MaxStartupPacketSize > p.MaxPacketSize)
            r.Error("max_startup_packet_size", $"must not exceed max_packet_size ({p.MaxPacketSize})");

        foreach (var (name, db) in config.Databases)
        {
            var dr = databases[name];
            if (name.Length == 0)
                dr.TableError("database name must not be empty");
            if (ReservedDatabases.Contains(name))
                dr.TableError($"\"{name}\" is reserved for the admin console");
            var size = db.PoolSize ?? p.DefaultPoolSize;
            var min = db.MinPoolSize ?? p.MinPoolSize;
            if ((db.PoolSize is not null || db.MinPoolSize is not null) && min > size)
                dr.Error(db.MinPoolSize is not null ? "min_pool_size" : "pool_size", $"min_pool_size ({min}) must not exceed pool_size ({size})");
            if (!db.Host.StartsWith('/') && !IsAddress(db.Host, allowStar: false))
                dr.Error("host", $"\"{db.Host}\" is not an IP address, a host name or a socket directory");
        }
    }

    private static void CheckAuth(PoolerConfig config, SectionReader r)
    {
        var p = config.Pooler;
        var hasAuthQuery = p.AuthUser is not null || config.Databases.Values.Any(d => d.AuthUser is not null);
        switch (p.AuthType)
        {
            case AuthType.Plain or AuthType.Md5 or AuthType.ScramSha256 when p.AuthFile is null && !hasAuthQuery:
                r.Error("auth_type", $"\"{p.AuthType.ToConfigName()}\" needs auth_file or auth_user (for auth_query)");
                break;
            case AuthType.Hba when p.AuthHbaFile is null:
                r.Error("auth_type", "\"hba\" needs auth_hba_file");
                break;
            case AuthType.Cert when p.ClientTlsSslMode == TlsMode.Disable:
                r.Error("auth_type", "\"cert\" needs client TLS (client_tls_sslmode other than \"disable\")");
                break;
        }

        if (p.AuthFile is not null && FileExists(r, "auth_file", p.AuthFile))
        {
            var file = AuthFile.Load(p.AuthFile);
            foreach (var error in file.Errors)
                r.Error("auth_file", $"{p.AuthFile} line {error.Line}: {error.Message}");
        }
        if (p.AuthHbaFile is not null)
            FileExists(r, "auth_hba_file", p.AuthHbaFile);
        foreach (var list in new[] { "admin_users", "stats_users" })
        {
            var names = list == "admin_users" ? p.AdminUsers : p.StatsUsers;
            if (names.Any(n => n.Contains('"')))
                r.Error(list, "user names must not contain '\"'");
        }
    }

    private static void CheckTls(PoolerOptions p, SectionReader r)
    {
        if (p.ClientTlsSslMode != TlsMode.Disable)
        {
            if (p.ClientTlsKeyFile is null)
                r.Error("client_tls_key_file", $"required when client_tls_sslmode is \"{p.ClientTlsSslMode.ToConfigName()}\"");
            if (p.ClientTlsCertFile is null)
                r.Error("client_tls_cert_file", $"required when client_tls_sslmode is \"{p.ClientTlsSslMode.ToConfigName()}\"");
            if (p.ClientTlsSslMode is TlsMode.VerifyCa or TlsMode.VerifyFull && p.ClientTlsCaFile is null)
                r.Error("client_tls_ca_file", $"required when client_tls_sslmode is \"{p.ClientTlsSslMode.ToConfigName()}\"");
            CheckOptionalFile(r, "client_tls_key_file", p.ClientTlsKeyFile);
            CheckOptionalFile(r, "client_tls_cert_file", p.ClientTlsCertFile);
            CheckOptionalFile(r, "client_tls_ca_file", p.ClientTlsCaFile);
        }
        if (p.ManagementTlsSslMode is TlsMode.VerifyCa or TlsMode.VerifyFull)
        {
            r.Error("management_tls_sslmode", "verify-ca and verify-full are not offered on the management port (the CLI "
                + "sends no client certificate; SCRAM proves the user): use disable, allow, prefer or require");
        }
        else if (p.ManagementTlsSslMode != TlsMode.Disable && p.ClientTlsSslMode == TlsMode.Disable)
        {
            // With client TLS on, the checks above already cover the same files.
            var why = $"required when management_tls_sslmode is \"{p.ManagementTlsSslMode.ToConfigName()}\" (the management port uses the client TLS certificate)";
            if (p.ClientTlsKeyFile is null)
                r.Error("client_tls_key_file", why);
            if (p.ClientTlsCertFile is null)
                r.Error("client_tls_cert_file", why);
            CheckOptionalFile(r, "client_tls_key_file", p.ClientTlsKeyFile);
            CheckOptionalFile(r, "client_tls_cert_file", p.ClientTlsCertFile);
        }
        if (p.ServerTlsSslMode != TlsMode.Disable)
        {
            if ((p.ServerTlsKeyFile is null) != (p.ServerTlsCertFile is null))
                r.Error(p.ServerTlsKeyFile is null ? "server_tls_key_file" : "server_tls_cert_file",
                    "server_tls_key_file and server_tls_cert_file go together");
            CheckOptionalFile(r, "server_tls_ca_file", p.ServerTlsCaFile);
            CheckOptionalFile(r, "server_tls_key_file", p.ServerTlsKeyFile);
            CheckOptionalFile(r, "server_tls_cert_file", p.ServerTlsCertFile);
        }
        CheckProtocols(r, "client_tls_protocols", p.ClientTlsProtocols);
        CheckProtocols(r, "server_tls_protocols", p.ServerTlsProtocols);
        // Read the certificates and keys themselves, so a bad key file is found here and not at the first client.
        string?[] files = [p.ClientTlsKeyFile, p.ClientTlsCertFile, p.ClientTlsCaFile, p.ServerTlsCaFile, p.ServerTlsKeyFile, p.ServerTlsCertFile];
        if (files.All(f => f is null || File.Exists(f)))
        {
            var tlsErrors = new List<(string Key, string Message)>();
            Tls.TlsSettings.Load(p, tlsErrors);
            foreach (var (key, message) in tlsErrors)
                r.Error(key, message);
        }
    }

    private static void CheckProtocols(SectionReader r, string key, string value)
    {
        var words = value.Split([',', ' ', ':'], StringSplitOptions.RemoveEmptyEntries);
        var bad = words.Where(w => !TlsProtocolWords.Contains(w.ToLowerInvariant())).ToList();
        if (words.Length == 0 || bad.Count > 0)
            r.Error(key, $"unknown protocol \"{string.Join(",", bad)}\"; allowed: secure, all, legacy, tlsv1.0, tlsv1.1, tlsv1.2, tlsv1.3");
    }

    private static void CheckFiles(PoolerOptions p, SectionReader r)
    {
        if (p.UnixSocketDir is not null && !Directory.Exists(p.UnixSocketDir))
            r.Error("unix_socket_dir", $"directory not found: {p.UnixSocketDir}");
        CheckParentDirectory(r, "logfile", p.LogFile);
        CheckParentDirectory(r, "pidfile", p.PidFile);
        CheckParentDirectory(r, "management_socket", p.ManagementSocket);
    }

    private static void CheckOptionalFile(SectionReader r, string key, string? path)
    {
        if (path is not null)
            FileExists(r, key, path);
    }

    private static bool FileExists(SectionReader r, string key, string path)
    {
        if (File.Exists(path))
            return true;
        r.Error(key, $"file not found: {path}");
        return false;
    }

    private static void CheckParentDirectory(SectionReader r, string key, string? path)
    {
        var dir = path is null ? null : Path.GetDirectoryName(path);
        if (dir is not null && !Directory.Exists(dir))
            r.Error(key, $"directory not found: {dir}");
    }

    private static bool IsAddress(string text, bool allowStar)
    {
        if (allowStar && text == "*")
            return true;
        if (IPAddress.TryParse(text, out _))
            return true;
        // A host name: RFC 1123 labels.
        return text.Length is > 0 and <= 253
            && text.Split('.').All(label => label.Length is > 0 and <= 63
                && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                && label[0] != '-' && label[^1] != '-');
    }
}
