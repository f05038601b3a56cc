// Loading PEM certificates, keys and CA bundles with errors a person can act on (which file, what is wrong).
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pooler.Tls;

/// <summary>Certificate and key loading shared by `pooler config check`, startup and reload.</summary>
internal static class TlsCertificates
{
    /// <summary>
    /// A certificate with its private key. The error names the file at fault: a missing file, a file with no PEM
    /// certificate or key, or a key that does not belong to the certificate.
    /// </summary>
    public static X509Certificate2? LoadPair(string certFile, string keyFile, out string? error, out bool certAtFault)
    {
        error = null;
        certAtFault = true;
        if (!File.Exists(certFile))
        {
            error = $"certificate file not found: {certFile}";
            return null;
        }
        X509Certificate2 certOnly;
        try
        {
            certOnly = X509Certificate2.CreateFromPem(File.ReadAllText(certFile));
        }
        catch (CryptographicException ex)
        {
            error = $"{certFile} holds no readable PEM certificate: {ex.Message}";
            return null;
        }
        certAtFault = false;
        if (!File.Exists(keyFile))
        {
            certOnly.Dispose();
            error = $"key file not found: {keyFile}";
            return null;
        }
        try
        {
            using (certOnly)
            {
                var pair = X509Certificate2.CreateFromPemFile(certFile, keyFile);
                if (!pair.HasPrivateKey)
                {
                    pair.Dispose();
                    error = $"{keyFile} holds no private key for {certFile}";
                    return null;
                }
                // SslStream wants a key it can use after the PEM objects are gone; a PKCS#12 round trip gives that.
                var exported = pair.Export(X509ContentType.Pkcs12);
                pair.Dispose();
                return X509CertificateLoader.LoadPkcs12(exported, null);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            error = $"{keyFile} is not a usable private key for {certFile}: {ex.Message}";
            return null;
        }
    }

    /// <summary>Every certificate of a PEM bundle; an empty bundle is an error (it could verify nothing).</summary>
    public static X509Certificate2Collection? LoadBundle(string file, out string? error)
    {
        error = null;
        if (!File.Exists(file))
        {
            error = $"CA file not found: {file}";
            return null;
        }
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(file);
        }
        catch (CryptographicException ex)
        {
            error = $"{file} is not a readable PEM CA bundle: {ex.Message}";
            return null;
        }
        if (collection.Count == 0)
        {
            error = $"{file} holds no PEM certificate";
            return null;
        }
        return collection;
    }
}
