// Both directions' TLS settings built from one options snapshot, with every file problem reported at once.
using Pooler.Config;

namespace Pooler.Tls;

/// <summary>Client is null when client_tls_sslmode is disable; Server is null when server_tls_sslmode is disable.</summary>
internal sealed class TlsSettings(ClientTlsSettings? client, ServerTlsSettings? server)
{
    public static readonly TlsSettings Off = new(null, null);

    public ClientTlsSettings? Client { get; } = client;

    public ServerTlsSettings? Server { get; } = server;

    /// <summary>Loads certificates, keys and CA bundles; each error is (option key, message).</summary>
    public static TlsSettings Load(PoolerOptions o, List<(string Key, string Message)> errors)
    {
        ClientTlsSettings? client = null;
        if (o.ClientTlsSslMode != TlsMode.Disable && o.ClientTlsCertFile is { } certFile && o.ClientTlsKeyFile is { } keyFile)
        {
            var cert = TlsCertificates.LoadPair(certFile, keyFile, out var error, out var certAtFault);
            if (error is not null)
                errors.Add((certAtFault ? "client_tls_cert_file" : "client_tls_key_file", error));
            var ca = LoadCa(o.ClientTlsCaFile, "client_tls_ca_file", errors);
            var ciphers = TlsProtocolNames.ParseCiphers(o.ClientTlsCiphers, out var cipherError);
            if (cipherError is not null)
                errors.Add(("client_tls_ciphers", cipherError));
            if (cert is not null)
                client = new ClientTlsSettings(o.ClientTlsSslMode, cert, ca, TlsProtocolNames.Parse(o.ClientTlsProtocols), ciphers);
        }
        ServerTlsSettings? server = null;
        if (o.ServerTlsSslMode != TlsMode.Disable)
        {
            System.Security.Cryptography.X509Certificates.X509Certificate2? cert = null;
            if (o.ServerTlsCertFile is { } certFile2 && o.ServerTlsKeyFile is { } keyFile2)
            {
                cert = TlsCertificates.LoadPair(certFile2, keyFile2, out var error, out var certAtFault);
                if (error is not null)
                    errors.Add((certAtFault ? "server_tls_cert_file" : "server_tls_key_file", error));
            }
            var ca = LoadCa(o.ServerTlsCaFile, "server_tls_ca_file", errors);
            var ciphers = TlsProtocolNames.ParseCiphers(o.ServerTlsCiphers, out var cipherError);
            if (cipherError is not null)
                errors.Add(("server_tls_ciphers", cipherError));
            server = new ServerTlsSettings(o.ServerTlsSslMode, cert, ca, TlsProtocolNames.Parse(o.ServerTlsProtocols), ciphers);
        }
        return new TlsSettings(client, server);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2Collection? LoadCa(string? file, string key,
        List<(string Key, string Message)> errors)
    {
        if (file is null)
            return null;
        var ca = TlsCertificates.LoadBundle(file, out var error);
        if (error is not null)
            errors.Add((key, error));
        return ca;
    }
}
