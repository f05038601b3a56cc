// A throwaway certificate authority for TLS tests, made with .NET's CertificateRequest: CA, server and client
// certificates written as PEM files in a temp directory that Dispose deletes.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pooler.TestSupport;

/// <summary>ECDSA P-256 keys (fast to make, and their ecdsa-with-SHA256 signature has a tls-server-end-point hash).</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly ECDsa _caKey;
    private readonly bool _ownsDirectory;
    private int _serial;

    private TestCertificates(string directory, string name, bool ownsDirectory)
    {
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        CaFile = Path.Combine(directory, $"{name}.crt");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
    }

    /// <summary>The temp directory holding every file (world-readable so the PostgreSQL account can read them).</summary>
    public string Directory { get; }

    /// <summary>PEM of the CA certificate: client_tls_ca_file, server_tls_ca_file, Npgsql's RootCertificate.</summary>
    public string CaFile { get; }

    public X509Certificate2 CaCertificate => _ca;

    /// <summary>A new CA in its own directory.</summary>
    public static TestCertificates Create(string name = "pooler-test-ca")
    {
        var directory = Path.Combine(Path.GetTempPath(), "pooler-tls-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        return new TestCertificates(directory, name, ownsDirectory: true);
    }

    /// <summary>A second, unrelated CA in the same directory (for "wrong certificate" tests); the directory stays
    /// with the first CA, so disposing this one deletes nothing.</summary>
    public TestCertificates CreateOtherCa(string name = "other-ca") => new(Directory, name, ownsDirectory: false);

    /// <summary>A server certificate for the given DNS names and IP addresses: (certificate file, key file).</summary>
    public (string CertFile, string KeyFile) IssueServer(string fileName, params string[] names)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (System.Net.IPAddress.TryParse(name, out var ip))
                san.AddIpAddress(ip);
            else
                san.AddDnsName(name);
        }
        return Issue(fileName, names.Length > 0 ? names[0] : fileName, san.Build(), "1.3.6.1.5.5.7.3.1");
    }

    /// <summary>A client certificate whose CN is <paramref name="commonName"/> (the user name for cert auth).</summary>
    public (string CertFile, string KeyFile) IssueClient(string fileName, string commonName) =>
        Issue(fileName, commonName, null, "1.3.6.1.5.5.7.3.2");

    private (string CertFile, string KeyFile) Issue(string fileName, string commonName, X509Extension? san, string usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (san is not null)
            request.CertificateExtensions.Add(san);
        var serial = BitConverter.GetBytes(Interlocked.Increment(ref _serial) + Random.Shared.Next(1 << 20) * 1000L);
        using var cert = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), new DateTimeOffset(_ca.NotAfter.ToUniversalTime()).AddDays(-1), serial);
        var certFile = Path.Combine(Directory, fileName + ".crt");
        var keyFile = Path.Combine(Directory, fileName + ".key");
        File.WriteAllText(certFile, cert.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return (certFile, keyFile);
    }

    /// <summary>The certificate and key as one X509Certificate2 (for Npgsql's client certificate).</summary>
    public static X509Certificate2 LoadPair(string certFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        _caKey.Dispose();
        if (!_ownsDirectory)
            return;
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A second CA in the same directory may have deleted it already.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
