// A minimal PostgreSQL client over a raw socket built only from the protocol library: proves it against a real server.
using System.Buffers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Pooler.Protocol.Auth;

namespace Pooler.Protocol.Tests;

/// <summary>Logs in with the library's writers, readers and auth state machines, then runs simple queries.</summary>
internal sealed class RawPgClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private Stream _stream;
    private byte[] _pending = [];

    private RawPgClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    /// <summary>The server's certificate when the connection uses TLS.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>SSLRequest, then a TLS handshake that accepts any certificate (tests use self-signed ones).</summary>
    private async Task StartTlsAsync()
    {
        await SendAsync(FrontendMessages.WriteSslRequest);
        var answer = new byte[1];
        await _stream.ReadExactlyAsync(answer);
        Assert.Equal((byte)'S', answer[0]);
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        ServerCertificate = new X509Certificate2(tls.RemoteCertificate!);
        _stream = tls;
    }

    public List<ParameterStatusMessage> Parameters { get; } = new();
    public BackendKeyDataMessage? KeyData { get; private set; }
    public string? Mechanism { get; private set; }

    /// <summary>Connects and logs in; returns the client, or the server's error (the connection is then closed).</summary>
    public static async Task<(RawPgClient? Client, ErrorFields? Error)> ConnectAsync(string host, int port, string user, string database,
        string? password = null, ScramClient? scram = null, int protocolVersion = ProtocolVersions.V3_0,
        IEnumerable<KeyValuePair<string, string>>? extraParameters = null, bool tls = false, bool channelBinding = false)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(host, port);
        var client = new RawPgClient(socket);
        if (tls)
        {
            await client.StartTlsAsync();
            if (channelBinding && scram is null)
            {
                Assert.True(ChannelBinding.TryComputeTlsServerEndPoint(client.ServerCertificate!, out var hash));
                scram = new ScramClient(password!, hash);
            }
        }
        await client.SendAsync(w => FrontendMessages.WriteStartupMessage(w, protocolVersion,
            new KeyValuePair<string, string>[] { new("user", user), new("database", database), new("application_name", "protocol-tests") }
                .Concat(extraParameters ?? [])));
        while (true)
        {
            var frame = await client.ReadFrameAsync();
            switch ((BackendMessageCode)frame.Code)
            {
                case BackendMessageCode.AuthenticationRequest:
                    Assert.True(AuthenticationMessage.TryParse(new ReadOnlySequence<byte>(frame.Body), out var auth));
                    var failed = await client.AnswerAsync(auth, user, password, ref scram);
                    if (failed)
                    {
                        await client.DisposeAsync();
                        return (null, ErrorFields.Create("ERROR", "XXXXX", "client-side SCRAM failure: " + scram!.Failure));
                    }
                    break;
                case BackendMessageCode.ParameterStatus:
                    Assert.True(ParameterStatusMessage.TryParse(new ReadOnlySequence<byte>(frame.Body), out var ps));
                    client.Parameters.Add(ps);
                    break;
                case BackendMessageCode.BackendKeyData:
                    Assert.True(BackendKeyDataMessage.TryParse(new ReadOnlySequence<byte>(frame.Body), out var key));
                    client.KeyData = key;
                    break;
                case BackendMessageCode.ErrorResponse:
                    Assert.True(ErrorFields.TryParse(new ReadOnlySequence<byte>(frame.Body), out var error));
                    await client.DisposeAsync();
                    return (null, error);
                case BackendMessageCode.NegotiateProtocolVersion:
                    Assert.True(NegotiateProtocolVersionMessage.TryParse(new ReadOnlySequence<byte>(frame.Body), out var negotiated));
                    client.Negotiated = negotiated;
                    break;
                case BackendMessageCode.ReadyForQuery:
                    return (client, null);
            }
        }
    }

    public NegotiateProtocolVersionMessage? Negotiated { get; private set; }

    private Task<bool> AnswerAsync(AuthenticationMessage auth, string user, string? password, ref ScramClient? scram)
    {
        switch (auth.Type)
        {
            case AuthenticationRequestType.AuthenticationOk:
                return Task.FromResult(false);
            case AuthenticationRequestType.AuthenticationCleartextPassword:
                return Send(w => FrontendMessages.WritePasswordMessage(w, password!));
            case AuthenticationRequestType.AuthenticationMD5Password:
                var salt = auth.GetMd5Salt();
                return Send(w => FrontendMessages.WritePasswordMessage(w, Md5Password.ClientResponse(user, password!, salt)));
            case AuthenticationRequestType.AuthenticationSASL:
                scram ??= new ScramClient(password!);
                var mechanism = scram.SelectMechanism(auth.GetSaslMechanisms())!;
                Mechanism = mechanism;
                var first = scram.CreateClientFirst(mechanism);
                return Send(w => FrontendMessages.WriteSASLInitialResponse(w, mechanism, first));
            case AuthenticationRequestType.AuthenticationSASLContinue:
                if (scram!.HandleServerFirst(auth.Data.ToArray(), out var final) != AuthStatus.Continue)
                    return Task.FromResult(true);
                return Send(w => FrontendMessages.WriteSASLResponse(w, final));
            case AuthenticationRequestType.AuthenticationSASLFinal:
                return Task.FromResult(scram!.HandleServerFinal(auth.Data.ToArray()) != AuthStatus.Success);
            default:
                throw new InvalidOperationException($"unexpected {auth.Type}");
        }

        async Task<bool> Send(Action<ArrayBufferWriter<byte>> write)
        {
            await SendAsync(write);
            return false;
        }
    }

    /// <summary>Runs a simple query; returns the rows as text and the command tag, or the error.</summary>
    public async Task<(List<string?[]> Rows, string? Tag, ErrorFields? Error)> QueryAsync(string sql)
    {
        await SendAsync(w => FrontendMessages.WriteQuery(w, sql));
        var rows = new List<string?[]>();
        string? tag = null;
        ErrorFields? error = null;
        while (true)
        {
            var frame = await ReadFrameAsync();
            var body = new ReadOnlySequence<byte>(frame.Body);
            switch ((BackendMessageCode)frame.Code)
            {
                case BackendMessageCode.DataRow:
                    Assert.True(RowDescriptionMessage.TryParseDataRow(body, out var values));
                    rows.Add(values);
                    break;
                case BackendMessageCode.CommandComplete:
                    Assert.True(CommandCompleteMessage.TryParse(body, out var t));
                    tag = t;
                    break;
                case BackendMessageCode.ErrorResponse:
                    Assert.True(ErrorFields.TryParse(body, out error));
                    break;
                case BackendMessageCode.ReadyForQuery:
                    return (rows, tag, error);
            }
        }
    }

    public async Task SendAsync(Action<ArrayBufferWriter<byte>> write)
    {
        var w = new ArrayBufferWriter<byte>();
        write(w);
        await _stream.WriteAsync(w.WrittenMemory);
    }

    /// <summary>Reads one whole frame with <see cref="FrameReader"/>, receiving more bytes as needed.</summary>
    public async Task<(byte Code, byte[] Body)> ReadFrameAsync()
    {
        var chunk = new byte[8192];
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(_pending);
            var status = FrameReader.TryRead(ref buffer, 1 << 20, out var frame, out var error);
            if (status == FrameReadStatus.Frame)
            {
                var result = (frame.Code, frame.Body.ToArray());
                _pending = buffer.ToArray();
                return result;
            }
            Assert.Equal(FrameReadStatus.NeedMoreData, status);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            int n = await _stream.ReadAsync(chunk, timeout.Token);
            if (n == 0)
                throw new EndOfStreamException("server closed the connection");
            _pending = [.. _pending, .. chunk.AsSpan(0, n)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await SendAsync(FrontendMessages.WriteTerminate);
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        _stream.Dispose();
        _socket.Dispose();
    }
}
