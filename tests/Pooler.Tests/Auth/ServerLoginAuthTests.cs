// The pooler's server login answering SCRAM with keys recovered from a client (pass-through) and with learned passwords.
using System.Buffers;
using Pooler.Auth;
using Pooler.Protocol;
using Pooler.Protocol.Auth;

namespace Pooler.Tests.Auth;

public sealed class ServerLoginAuthTests
{
    private static readonly ScramSecret Secret = ScramSecret.FromPassword("s3cret");

    private static AuthenticationMessage Request(Action<IBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>();
        write(w);
        var buffer = new ReadOnlySequence<byte>(w.WrittenMemory);
        Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(ref buffer, 1 << 16, out var frame, out _));
        Assert.True(AuthenticationMessage.TryParse(new ReadOnlySequence<byte>(frame.Body.ToArray()), out var message));
        return message;
    }

    private static byte[] Body(ArrayBufferWriter<byte> w)
    {
        var buffer = new ReadOnlySequence<byte>(w.WrittenMemory);
        Assert.Equal(FrameReadStatus.Frame, FrameReader.TryRead(ref buffer, 1 << 16, out var frame, out _));
        return frame.Body.ToArray();
    }

    /// <summary>What the pooler learns from a client's SCRAM login against the stored verifier.</summary>
    private static PassThroughCredential KeysFromClientLogin()
    {
        var pooler = new ScramServer(Secret);
        var client = new ScramClient("s3cret");
        Assert.Equal(AuthStatus.Continue, pooler.HandleClientFirst(ScramServer.Mechanism, client.CreateClientFirst(ScramServer.Mechanism), out var first));
        Assert.Equal(AuthStatus.Continue, client.HandleServerFirst(first, out var final));
        Assert.Equal(AuthStatus.Success, pooler.HandleClientFinal(final, out _));
        return PassThroughCredential.FromKeys(pooler.ClientKey!, pooler.ServerKey!);
    }

    /// <summary>Plays the real server (same verifier) against ServerLoginAuth; the server's verdict.</summary>
    private static AuthStatus LoginToServer(ServerLoginAuth auth)
    {
        var server = new ScramServer(Secret);
        var w = new ArrayBufferWriter<byte>();
        Assert.Null(auth.Respond(Request(x => BackendMessages.WriteAuthenticationSASL(x, ScramServer.Mechanism)), w));
        Assert.True(SaslInitialResponseMessage.TryParse(new ReadOnlySequence<byte>(Body(w)), out var initial));
        Assert.Equal(AuthStatus.Continue, server.HandleClientFirst(initial.Mechanism, initial.Data.ToArray(), out var serverFirst));

        w = new ArrayBufferWriter<byte>();
        Assert.Null(auth.Respond(Request(x => BackendMessages.WriteAuthenticationSASLContinue(x, serverFirst)), w));
        var status = server.HandleClientFinal(Body(w), out var serverFinal);
        if (status == AuthStatus.Success)
            Assert.Null(auth.Respond(Request(x => BackendMessages.WriteAuthenticationSASLFinal(x, serverFinal)), new ArrayBufferWriter<byte>()));
        return status;
    }

    [Fact]
    public void Respond_ScramWithPassThroughKeys_ServerAccepts()
    {
        var auth = new ServerLoginAuth("u", Secret.ToString(), KeysFromClientLogin());

        Assert.Equal(AuthStatus.Success, LoginToServer(auth));
    }

    [Fact]
    public void Respond_ScramWithoutKeysOrPassword_NoUsablePassword()
    {
        var auth = new ServerLoginAuth("u", Secret.ToString());

        var error = auth.Respond(Request(x => BackendMessages.WriteAuthenticationSASL(x, ScramServer.Mechanism)), new ArrayBufferWriter<byte>());

        Assert.Equal("28P01", error?.SqlState);
        Assert.Contains("no usable password", error!.Message);
    }

    [Fact]
    public void Respond_LearnedCleartextPassword_AnswersScram()
    {
        var auth = new ServerLoginAuth("u", null, PassThroughCredential.FromPassword("s3cret"));

        Assert.Equal(AuthStatus.Success, LoginToServer(auth));
    }

    [Fact]
    public void Respond_Md5HashLearned_AnswersMd5Challenge()
    {
        var hash = Md5Password.Hash("u", "pw");
        var auth = new ServerLoginAuth("u", null, PassThroughCredential.FromPassword(hash));
        var salt = new byte[] { 1, 2, 3, 4 };
        var w = new ArrayBufferWriter<byte>();

        Assert.Null(auth.Respond(Request(x => BackendMessages.WriteAuthenticationMD5Password(x, salt)), w));

        Assert.True(PasswordMessage.TryParse(new ReadOnlySequence<byte>(Body(w)), out var response));
        Assert.True(Md5Password.Verify("u", "pw", salt, response));
    }

    [Fact]
    public void Respond_ConfiguredPlainPassword_WinsOverLearned()
    {
        var auth = new ServerLoginAuth("u", "s3cret", PassThroughCredential.FromPassword("stale"));

        Assert.Equal(AuthStatus.Success, LoginToServer(auth));
    }
}
