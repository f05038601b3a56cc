// Both directions' TLS settings built from one options snapshot, with every file problem reported at once.
using Pooler.Config;

namespace Pooler.Tls;

/// <summary>Client is null when client_tls_sslmode is disable; Server is null when server_tls_sslmode is disable;
/// Management is null when management_tls_sslmode is disable.</summary>
internal sealed class TlsSettings(ClientTlsSettings? client, ServerTlsSettings? server, ClientTlsSettings? management = null)
{
    public static readonly TlsSettings Off = new(null, null);

    public ClientTlsSettings? Client { get; } = client;

    public ServerTlsSettings? Server { get; } = server;

    /// <summary>The TCP management port's side: the client certificate, no client certificates asked for.</summary>
    public ClientTlsSettings? Management { get; } = management;

    /// <summary>Loads certificates, keys and CA bundles; each error is (option key, message).</summary>
    public static TlsSettings Load(PoolerOptions o, List<(string Key, string Message)> errors)
    {
        ClientTlsSettings? client = null, management = null;
        var clientSide = o.ClientTlsSslMode != TlsMode.Disable;
        var managementSide = o.ManagementTlsSslMode != TlsMode.Disable;
        if ((clientSide || managementSide) && o.ClientTlsCertFile is { } certFile && o.ClientTlsKeyFile is { } keyFile)
        {
            var cert = TlsCertificates.LoadPair(certFile, keyFile, out var error, out var certAtFault);
            if (error is not null)
                errors.Add((certAtFault ? "client_tls_cert_file" : "client_tls_key_file", error));
            var ca = clientSide ? LoadCa(o.ClientTlsCaFile, "client_tls_ca_file", errors) : null;
            var ciphers = TlsProtocolNames.ParseCiphers(o.ClientTlsCiphers, out var cipherError);
            if (cipherError is not null)
                errors.Add(("client_tls_ciphers", cipherError));
            var protocols = TlsProtocolNames.Parse(o.ClientTlsProtocols);
            if (cert is not null && clientSide)
                client = new ClientTlsSettings(o.ClientTlsSslMode, cert, ca, protocols, ciphers);
            if (cert is not null && managementSide)
                management = new ClientTlsSettings(o.ManagementTlsSslMode, cert, ca: null, protocols, ciphers);
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
        return new TlsSettings(client, server, management);
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
