// PgBouncer's tls_protocols and tls_ciphers words turned into what SslStream takes.
using System.Net.Security;
using System.Security.Authentication;

namespace Pooler.Tls;

internal static class TlsProtocolNames
{
    /// <summary>"secure" = TLS 1.2 and 1.3; "all"/"legacy" add 1.0 and 1.1 (where the system still allows them).</summary>
    public static SslProtocols Parse(string value)
    {
        var result = SslProtocols.None;
#pragma warning disable SYSLIB0039 // TLS 1.0/1.1 only when the configuration asks for them by name, as PgBouncer.
        foreach (var word in value.Split([',', ' ', ':'], StringSplitOptions.RemoveEmptyEntries))
        {
            result |= word.ToLowerInvariant() switch
            {
                "secure" => SslProtocols.Tls12 | SslProtocols.Tls13,
                "all" or "legacy" => SslProtocols.Tls | SslProtocols.Tls11 | SslProtocols.Tls12 | SslProtocols.Tls13,
                "tlsv1.0" => SslProtocols.Tls,
                "tlsv1.1" => SslProtocols.Tls11,
                "tlsv1.2" => SslProtocols.Tls12,
                "tlsv1.3" => SslProtocols.Tls13,
                _ => SslProtocols.None,
            };
        }
#pragma warning restore SYSLIB0039
        return result == SslProtocols.None ? SslProtocols.Tls12 | SslProtocols.Tls13 : result;
    }

    /// <summary>
    /// PgBouncer's keywords (default, secure, fast, normal, all) leave the platform's list: null. Otherwise a list of
    /// IANA suite names (TLS_AES_128_GCM_SHA256:...); OpenSSL-style names are not understood and give an error.
    /// </summary>
    public static CipherSuitesPolicy? ParseCiphers(string value, out string? error)
    {
        error = null;
        var words = value.Split([',', ' ', ':'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words.All(w => w.ToLowerInvariant() is "default" or "secure" or "fast" or "normal" or "all" or "compat" or "legacy"))
            return null;
        if (OperatingSystem.IsWindows())
        {
            error = "cipher lists are not supported on Windows; use \"default\"";
            return null;
        }
        var suites = new List<TlsCipherSuite>();
        foreach (var w in words)
        {
            if (!Enum.TryParse<TlsCipherSuite>(w, ignoreCase: false, out var suite))
            {
                error = $"unknown cipher suite \"{w}\" (use IANA names such as TLS_AES_128_GCM_SHA256, or \"default\")";
                return null;
            }
            suites.Add(suite);
        }
        return new CipherSuitesPolicy(suites);
    }
}
