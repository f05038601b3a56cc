// tls-server-end-point channel binding data (RFC 5929) for SCRAM-SHA-256-PLUS: a hash of the server certificate.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pooler.Protocol.Auth;

/// <summary>Computes the certificate hash both SCRAM sides bind to.</summary>
public static class ChannelBinding
{
    /// <summary>
    /// Hash of the DER certificate with the certificate's signature hash, except that MD5 and SHA-1 are replaced by
    /// SHA-256 (RFC 5929 §4.1). False for signature algorithms whose hash cannot be named here (RSASSA-PSS, Ed25519,
    /// SHA-224), where PostgreSQL would refuse channel binding too.
    /// </summary>
    public static bool TryComputeTlsServerEndPoint(X509Certificate2 certificate, out byte[] hash)
    {
        hash = [];
        HashAlgorithmName? algorithm = certificate.SignatureAlgorithm.Value switch
        {
            "1.2.840.113549.1.1.4" or "1.2.840.113549.1.1.5" or "1.2.840.10040.4.3" or "1.2.840.10045.4.1"
                or "1.2.840.113549.1.1.11" or "1.2.840.10045.4.3.2" or "2.16.840.1.101.3.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" or "2.16.840.1.101.3.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" or "2.16.840.1.101.3.4.3.4" => HashAlgorithmName.SHA512,
            _ => null,
        };
        if (algorithm is null)
            return false;
        var der = certificate.RawData;
        hash = algorithm.Value.Name switch
        {
            "SHA384" => SHA384.HashData(der),
            "SHA512" => SHA512.HashData(der),
            _ => SHA256.HashData(der),
        };
        return true;
    }
}
