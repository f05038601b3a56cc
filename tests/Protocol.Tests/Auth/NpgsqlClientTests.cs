// The server side against an independent client: Npgsql logs in to a scripted server that authenticates with
// ScramServer (also -PLUS over TLS) and Md5Password, built only from the library's readers and writers.
using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Npgsql;
using Pooler.Protocol.Auth;

namespace Pooler.Protocol.Tests.Auth;

public class NpgsqlClientTests
{
    private enum Method { Scram, Md5 }

    /// <summary>
    /// Accepts one connection, authenticates it, and reports whether the client proved itself. (GSS encryption is
    /// disabled in the connection string: with it on, Npgsql retries a refused login on a second connection.)
    /// </summary>
    private static async Task<(bool Authenticated, string? Mechanism)> ServeOneAsync(TcpListener listener, Method method, string password,
        X509Certificate2? certificate)
    {
        using var socket = await listener.AcceptSocketAsync();
        var io = new FramedStream(new NetworkStream(socket, ownsSocket: false));
        byte[]? certHash = null;
        StartupMessage? startup = null;
        while (startup is null)
        {
            StartupFrame frame = default;
            var kind = await io.ReadStartupAsync(f => frame = f);
            if (kind is StartupFrameKind.SslRequest or StartupFrameKind.GssEncRequest)
            {
                bool tls = kind == StartupFrameKind.SslRequest && certificate is not null;
                await io.SendAsync(w => BackendMessages.WriteEncryptionResponse(w, tls));
                if (tls)
                {
                    var ssl = new SslStream(io.Stream);
                    await ssl.AuthenticateAsServerAsync(certificate!);
                    io.Stream = ssl;
                    Assert.True(Pooler.Protocol.Auth.ChannelBinding.TryComputeTlsServerEndPoint(certificate!, out var hash));
                    certHash = hash;
                }
                continue;
            }
            Assert.True(StartupMessage.TryParse(frame, out var parsed, out _));
            startup = parsed;
        }

        bool ok;
        string? mechanism = null;
        if (method == Method.Md5)
        {
            var salt = Md5Password.NewSalt();
            await io.SendAsync(w => BackendMessages.WriteAuthenticationMD5Password(w, salt));
            var (_, body) = await io.ReadFrameAsync();
            Assert.True(PasswordMessage.TryParse(new(body), out var response));
            ok = Md5Password.Verify(startup.User!, Md5Password.Hash(startup.User!, password), salt, response);
        }
        else
        {
            var scram = ScramServer.ForPassword(password, certHash);
            await io.SendAsync(w => BackendMessages.WriteAuthenticationSASL(w, scram.Mechanisms));
            var (_, first) = await io.ReadFrameAsync();
            Assert.True(SaslInitialResponseMessage.TryParse(new(first), out var initial));
            mechanism = initial.Mechanism;
            ok = scram.HandleClientFirst(initial.Mechanism, initial.Data.ToArray(), out var serverFirst) == AuthStatus.Continue;
            if (ok)
            {
                await io.SendAsync(w => BackendMessages.WriteAuthenticationSASLContinue(w, serverFirst));
                var (_, final) = await io.ReadFrameAsync();
                ok = scram.HandleClientFinal(final, out var serverFinal) == AuthStatus.Success;
                if (ok)
                    await io.SendAsync(w => BackendMessages.WriteAuthenticationSASLFinal(w, serverFinal));
            }
        }

        if (!ok)
        {
            await io.SendAsync(w => BackendMessages.WriteErrorResponse(w, ErrorFields.Fatal, SqlState.InvalidPassword,
                $"password authentication failed for user \"{startup.User}\""));
            return (false, mechanism);
        }
        await io.SendAsync(w =>
        {
            BackendMessages.WriteAuthenticationOk(w);
            foreach (var (name, value) in new[] { ("server_version", "15.0"), ("server_encoding", "UTF8"), ("client_encoding", "UTF8"),
                         ("DateStyle", "ISO, MDY"), ("integer_datetimes", "on"), ("standard_conforming_strings", "on"), ("TimeZone", "UTC") })
                BackendMessages.WriteParameterStatus(w, name, value);
            BackendMessages.WriteBackendKeyData(w, 4242, [1, 2, 3, 4]);
            BackendMessages.WriteReadyForQuery(w, TransactionStatus.Idle);
        });
        while ((await io.ReadFrameAsync()).Code != (byte)FrontendMessageCode.Terminate) { }
        return (true, mechanism);
    }

    private static async Task<(bool ServerSaysOk, string? Mechanism, Exception? ClientError)> LoginAsync(Method method, string serverPassword,
        string clientPassword, X509Certificate2? certificate = null, string extra = "")
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var server = ServeOneAsync(listener, method, serverPassword, certificate);
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var cs = $"Host=127.0.0.1;Port={port};Username=alice;Password={clientPassword};Database=app;Pooling=false;" +
                     $"Server Compatibility Mode=NoTypeLoading;Timeout=20;GSS Encryption Mode=Disable;{(certificate is null ? "SSL Mode=Disable" : "SSL Mode=Require")};{extra}";
            Exception? clientError = null;
            try
            {
                await using var connection = new NpgsqlConnection(cs);
                await connection.OpenAsync();
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                clientError = e;
            }
            var (ok, mechanism) = await server.WaitAsync(TimeSpan.FromSeconds(30));
            return (ok, mechanism, clientError);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("s3cret")]
    [InlineData("caf\u00E9-\u043F\u0430\u0440\u043E\u043B\u044C")] // non-ASCII already in NFKC (Npgsql cannot normalize under invariant globalization)
    public async Task ScramServer_NpgsqlWithRightPassword_LogsIn(string password)
    {
        var (ok, mechanism, error) = await LoginAsync(Method.Scram, password, password);
        Assert.Null(error);
        Assert.True(ok);
        Assert.Equal(ScramServer.Mechanism, mechanism);
    }

    [Fact]
    public async Task ScramServer_NpgsqlWithWrongPassword_IsRefusedWith28P01()
    {
        var (ok, _, error) = await LoginAsync(Method.Scram, "s3cret", "guess");
        Assert.False(ok);
        Assert.True(error is PostgresException, error?.ToString());
        Assert.Equal(SqlState.InvalidPassword, ((PostgresException)error!).SqlState);
    }

    [Fact]
    public async Task ScramServerPlus_NpgsqlOverTlsWithChannelBindingRequired_LogsInWithPlus()
    {
        using var key = RSA.Create(2048);
        using var generated = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var certificate = X509CertificateLoader.LoadPkcs12(generated.Export(X509ContentType.Pfx), null);   // SslStream needs the key attached
        var (ok, mechanism, error) = await LoginAsync(Method.Scram, "s3cret", "s3cret", certificate, "Channel Binding=Require");
        Assert.Null(error);
        Assert.True(ok);
        Assert.Equal(ScramServer.MechanismPlus, mechanism);
    }

    [Fact]
    public async Task Md5Server_NpgsqlRightAndWrongPassword_OnlyRightOneLogsIn()
    {
        var (ok, _, error) = await LoginAsync(Method.Md5, "pw", "pw");
        Assert.Null(error);
        Assert.True(ok);
        var (wrong, _, refused) = await LoginAsync(Method.Md5, "pw", "nope");
        Assert.False(wrong);
        Assert.NotNull(refused);
    }
}
