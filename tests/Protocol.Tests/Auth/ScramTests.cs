// SCRAM-SHA-256 both sides: the RFC 7677 vector, round trips, pass-through keys, channel binding, bad client input.
using System.Text;
using Pooler.Protocol.Auth;

namespace Pooler.Protocol.Tests.Auth;

public class ScramTests
{
    // RFC 7677 section 3.
    private const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    private static readonly byte[] RfcSalt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);
    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public void Client_Rfc7677Vector_ProducesTheRfcMessages()
    {
        var client = new ScramClient("pencil") { UserName = "user", ClientNonce = "rOprNGfwEbeRWgbNEkqO" };
        Assert.Equal(ClientFirst, S(client.CreateClientFirst(ScramServer.Mechanism)));
        Assert.Equal(AuthStatus.Continue, client.HandleServerFirst(B(ServerFirst), out var final));
        Assert.Equal(ClientFinal, S(final));
        Assert.Equal(AuthStatus.Success, client.HandleServerFinal(B(ServerFinal)));
    }

    [Fact]
    public void Server_Rfc7677Vector_VerifiesAndSignsAsTheRfc()
    {
        var secret = ScramSecret.FromPassword("pencil", 4096, RfcSalt);
        var server = new ScramServer(secret) { FixedServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0" };
        Assert.Equal(AuthStatus.Continue, server.HandleClientFirst(ScramServer.Mechanism, B(ClientFirst), out var first));
        Assert.Equal(ServerFirst, S(first));
        Assert.Equal(AuthStatus.Success, server.HandleClientFinal(B(ClientFinal), out var final));
        Assert.Equal(ServerFinal, S(final));
    }

    [Fact]
    public void Server_Rfc7677Vector_WrongProof_FailsInvalidProof()
    {
        var secret = ScramSecret.FromPassword("pencil", 4096, RfcSalt);
        var server = new ScramServer(secret) { FixedServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0" };
        server.HandleClientFirst(ScramServer.Mechanism, B(ClientFirst), out _);
        var tampered = ClientFinal.Replace("p=dHzb", "p=dHzc");
        Assert.Equal(AuthStatus.Failed, server.HandleClientFinal(B(tampered), out _));
        Assert.Equal(AuthFailure.InvalidProof, server.Failure);
        Assert.Null(server.ClientKey);
    }

    [Fact]
    public void Secret_TextForm_RoundTrips()
    {
        var secret = ScramSecret.FromPassword("pencil", 4096, RfcSalt);
        Assert.True(ScramSecret.TryParse(secret.ToString(), out var parsed));
        Assert.Equal(secret.ToString(), parsed.ToString());
        Assert.StartsWith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$", secret.ToString());
    }

    [Theory]
    [InlineData("md5abc")]
    [InlineData("SCRAM-SHA-256$4096:c2FsdA==$AAAA:BBBB")]
    [InlineData("SCRAM-SHA-256$x:c2FsdA==$a$b")]
    [InlineData("plain")]
    public void Secret_NotASecret_TryParseFalse(string text) => Assert.False(ScramSecret.TryParse(text, out _));

    private static (AuthStatus, ScramServer, ScramClient) Exchange(ScramServer server, ScramClient client, string? mechanism = null)
    {
        mechanism ??= client.SelectMechanism(server.Mechanisms)!;
        var status = server.HandleClientFirst(mechanism, client.CreateClientFirst(mechanism), out var serverFirst);
        if (status != AuthStatus.Continue) return (status, server, client);
        status = client.HandleServerFirst(serverFirst, out var clientFinal);
        if (status != AuthStatus.Continue) return (status, server, client);
        status = server.HandleClientFinal(clientFinal, out var serverFinal);
        if (status != AuthStatus.Success) return (status, server, client);
        return (client.HandleServerFinal(serverFinal), server, client);
    }

    [Fact]
    public void Exchange_PlainPasswordServer_Succeeds()
    {
        var (status, _, _) = Exchange(ScramServer.ForPassword("s3cret"), new ScramClient("s3cret"));
        Assert.Equal(AuthStatus.Success, status);
    }

    [Fact]
    public void Exchange_WrongPassword_FailsInvalidProof()
    {
        var (status, server, _) = Exchange(ScramServer.ForPassword("s3cret"), new ScramClient("guess"));
        Assert.Equal(AuthStatus.Failed, status);
        Assert.Equal(AuthFailure.InvalidProof, server.Failure);
    }

    [Fact]
    public void Exchange_UnknownUserMock_FailsEvenWithAnyPasswordAndKeepsSaltStable()
    {
        var (status, server, _) = Exchange(ScramServer.ForUnknownUser("ghost"), new ScramClient(""));
        Assert.Equal(AuthStatus.Failed, status);
        Assert.Equal(AuthFailure.InvalidProof, server.Failure);
        ScramServer.ForUnknownUser("ghost").HandleClientFirst(ScramServer.Mechanism, B("n,,n=,r=abc"), out var a);
        ScramServer.ForUnknownUser("ghost").HandleClientFirst(ScramServer.Mechanism, B("n,,n=,r=abc"), out var b);
        Assert.Equal(S(a).Split(',')[1], S(b).Split(',')[1]);
    }

    [Fact]
    public void Exchange_RecoveredKeys_LogInWithoutPassword()
    {
        var secret = ScramSecret.FromPassword("s3cret");
        var (status, server, _) = Exchange(new ScramServer(secret), new ScramClient("s3cret"));
        Assert.Equal(AuthStatus.Success, status);
        // The pooler now logs in to "the real server" (same secret) with what it recovered.
        var passThrough = ScramClient.FromKeys(server.ClientKey!, server.ServerKey!);
        var (again, _, _) = Exchange(new ScramServer(secret), passThrough);
        Assert.Equal(AuthStatus.Success, again);
    }

    [Fact]
    public void Exchange_ChannelBindingBothSides_UsesPlus()
    {
        var hash = new byte[32];
        hash[0] = 7;
        var (status, server, _) = Exchange(ScramServer.ForPassword("pw", hash), new ScramClient("pw", hash));
        Assert.Equal(AuthStatus.Success, status);
        Assert.True(server.UsedChannelBinding);
    }

    [Fact]
    public void Exchange_DifferentCertificateHash_FailsChannelBindingMismatch()
    {
        var (status, server, _) = Exchange(ScramServer.ForPassword("pw", new byte[32]), new ScramClient("pw", Enumerable.Repeat((byte)1, 32).ToArray()));
        Assert.Equal(AuthStatus.Failed, status);
        Assert.Equal(AuthFailure.ChannelBindingMismatch, server.Failure);
    }

    [Fact]
    public void Exchange_ClientSaysYWhileServerOffersPlus_FailsAsDowngrade()
    {
        // A client that can bind but was shown only SCRAM-SHA-256 (PLUS stripped on the way).
        var client = new ScramClient("pw", new byte[32]);
        var (status, server, _) = Exchange(ScramServer.ForPassword("pw", new byte[32]), client, ScramServer.Mechanism);
        Assert.Equal(AuthStatus.Failed, status);
        Assert.Equal(AuthFailure.ChannelBindingMismatch, server.Failure);
    }

    [Fact]
    public void Exchange_ClientWithoutTlsAndServerWithout_UsesPlainMechanism()
    {
        var client = new ScramClient("pw");
        Assert.Equal(ScramServer.Mechanism, client.SelectMechanism([ScramServer.MechanismPlus, ScramServer.Mechanism]));
        Assert.Null(client.SelectMechanism(["SCRAM-SHA-1"]));
    }

    [Fact]
    public void Client_ServerWithWrongSignature_FailsServerNotAuthenticated()
    {
        var client = new ScramClient("pencil") { UserName = "user", ClientNonce = "rOprNGfwEbeRWgbNEkqO" };
        client.CreateClientFirst(ScramServer.Mechanism);
        client.HandleServerFirst(B(ServerFirst), out _);
        Assert.Equal(AuthStatus.Failed, client.HandleServerFinal(B("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")));
        Assert.Equal(AuthFailure.ServerNotAuthenticated, client.Failure);
    }

    [Fact]
    public void Client_ServerNonceNotExtendingOurs_FailsNonceMismatch()
    {
        var client = new ScramClient("pencil") { ClientNonce = "abc" };
        client.CreateClientFirst(ScramServer.Mechanism);
        Assert.Equal(AuthStatus.Failed, client.HandleServerFirst(B("r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), out _));
        Assert.Equal(AuthFailure.NonceMismatch, client.Failure);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256", "", AuthFailure.MalformedMessage)]
    [InlineData("SCRAM-SHA-256", "x,,n=,r=abc", AuthFailure.MalformedMessage)]
    [InlineData("SCRAM-SHA-256", "n,a=bob,n=,r=abc", AuthFailure.UnsupportedFeature)]
    [InlineData("SCRAM-SHA-256", "n,,m=ext,n=,r=abc", AuthFailure.UnsupportedFeature)]
    [InlineData("SCRAM-SHA-256", "n,,n=,r=", AuthFailure.MalformedMessage)]
    [InlineData("SCRAM-SHA-256", "n,,r=abc", AuthFailure.MalformedMessage)]
    [InlineData("SCRAM-SHA-256", "p=tls-server-end-point,,n=,r=abc", AuthFailure.ChannelBindingMismatch)]
    [InlineData("SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,n=,r=abc", AuthFailure.UnsupportedMechanism)]
    [InlineData("SCRAM-SHA-1", "n,,n=,r=abc", AuthFailure.UnsupportedMechanism)]
    public void Server_BadClientFirst_FailsWithReason(string mechanism, string message, AuthFailure expected)
    {
        var server = ScramServer.ForPassword("pw");
        Assert.Equal(AuthStatus.Failed, server.HandleClientFirst(mechanism, B(message), out _));
        Assert.Equal(expected, server.Failure);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("c=biws,r=abc")]
    [InlineData("c=!!!,r=abc,p=AAAA")]
    [InlineData("r=abc,c=biws,p=AAAA")]
    public void Server_BadClientFinal_FailsWithoutThrowing(string message)
    {
        var server = ScramServer.ForPassword("pw");
        server.HandleClientFirst(ScramServer.Mechanism, B("n,,n=,r=abc"), out _);
        Assert.Equal(AuthStatus.Failed, server.HandleClientFinal(B(message), out _));
        Assert.NotEqual(AuthFailure.None, server.Failure);
    }

    [Fact]
    public void Server_FinalBeforeFirst_FailsUnexpectedMessage()
    {
        var server = ScramServer.ForPassword("pw");
        Assert.Equal(AuthStatus.Failed, server.HandleClientFinal(B(ClientFinal), out _));
        Assert.Equal(AuthFailure.UnexpectedMessage, server.Failure);
    }

    [Fact]
    public void Server_RandomClientMessages_NeverThrow()
    {
        var random = new Random(1234);
        var secret = ScramSecret.FromPassword("pw");
        for (int i = 0; i < 2000; i++)
        {
            var server = new ScramServer(secret);
            var junk = new byte[random.Next(0, 64)];
            random.NextBytes(junk);
            var status = server.HandleClientFirst(ScramServer.Mechanism, junk, out _);
            if (status == AuthStatus.Continue)
                server.HandleClientFinal(junk, out _);
        }
    }

    [Fact]
    public void Client_RandomServerMessages_NeverThrow()
    {
        var random = new Random(4321);
        string[] shapes = ["", "v", "v=", "e=", "r=", "r=abc,s=,i=", "r=abcdef,s=c2FsdA==,i=-1", "r=abcdef,s=c2FsdA==,i=99999999999", "v=!!!"];
        for (int i = 0; i < 2000; i++)
        {
            var client = new ScramClient("pw") { ClientNonce = "abc" };
            client.CreateClientFirst(ScramServer.Mechanism);
            byte[] junk = i % 2 == 0 ? B(shapes[random.Next(shapes.Length)]) : new byte[random.Next(0, 40)];
            if (i % 2 == 1) random.NextBytes(junk);
            if (client.HandleServerFirst(junk, out _) == AuthStatus.Continue)
                Assert.NotEqual(AuthStatus.Success, client.HandleServerFinal(junk));
            var fresh = new ScramClient("pw") { ClientNonce = "abc" };
            fresh.CreateClientFirst(ScramServer.Mechanism);
            fresh.HandleServerFirst(B("r=abcdef,s=c2FsdA==,i=1"), out _);
            Assert.Equal(AuthStatus.Failed, fresh.HandleServerFinal(junk));
        }
    }
}
