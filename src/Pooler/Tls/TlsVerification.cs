// Certificate chain checks against a configured CA bundle instead of the system store.
using System.Security.Cryptography.X509Certificates;

namespace Pooler.Tls;

internal static class TlsVerification
{
    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="roots"/> (no revocation check:
    /// neither PgBouncer nor PostgreSQL fetch CRLs on their own).</summary>
    public static bool ChainsTo(X509Certificate certificate, X509Chain? presented, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>The CN of a client certificate, the user name `cert` authentication compares.</summary>
    public static string? CommonName(X509Certificate? certificate)
    {
        if (certificate is null)
            return null;
        var cert2 = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var name = cert2.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return string.IsNullOrEmpty(name) ? null : name;
    }
}
