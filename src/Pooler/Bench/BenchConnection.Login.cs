// Logging a bench connection in: StartupMessage, then trust, cleartext, MD5 or SCRAM-SHA-256 up to ReadyForQuery.
using System.Buffers;
using Pooler.Protocol;
using Pooler.Protocol.Auth;

namespace Pooler.Bench;

public sealed partial class BenchConnection
{
    private const int MaxLoginMessage = 1 << 20;

    /// <summary>Null once logged in; otherwise why not (the server's error with its SQLSTATE, or the auth problem).</summary>
    private async ValueTask<string?> LoginAsync(BenchOptions options)
    {
        FrontendMessages.WriteStartupMessage(_conn.Output, ProtocolVersions.V3_0,
        [
            new("user", options.User),
            new("database", options.Database),
            new("application_name", "pooler bench"),
        ]);
        ScramClient? scram = null;
        var input = _conn.Input;
        if ((await _conn.Output.FlushAsync()).IsCompleted)
            return "server closed the connection during login";
        while (true)
        {
            var read = await input.ReadAsync();
            var buffer = read.Buffer;
            string? failure = null;
            var ready = false;
            var flush = false;
            while (failure is null && !ready)
            {
                var status = FrameReader.TryRead(ref buffer, MaxLoginMessage, out var frame, out var error);
                if (status == FrameReadStatus.NeedMoreData)
                    break;
                if (status == FrameReadStatus.Error)
                {
                    failure = "invalid message during login: " + error.Message;
                    break;
                }
                switch (frame.BackendCode)
                {
                    case BackendMessageCode.AuthenticationRequest:
                        failure = Authenticate(frame, options, ref scram, ref flush);
                        break;
                    case BackendMessageCode.ErrorResponse:
                        ErrorFields.TryParse(frame.Body, out var fields);
                        failure = $"{fields.Severity ?? "ERROR"}: {fields.Message} (SQLSTATE {fields.SqlState})";
                        break;
                    case BackendMessageCode.ReadyForQuery:
                        ready = true;
                        break;
                }
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (failure is not null)
                return failure;
            if (ready)
                return null;
            if (flush && (await _conn.Output.FlushAsync()).IsCompleted)
                return "server closed the connection during authentication";
            if (read.IsCompleted || read.IsCanceled)
                return "server closed the connection during login";
        }
    }

    /// <summary>Writes the answer to one authentication request; a message when the login cannot go on.</summary>
    private string? Authenticate(in Frame frame, BenchOptions options, ref ScramClient? scram, ref bool flush)
    {
        if (!AuthenticationMessage.TryParse(frame.Body, out var request))
            return "invalid authentication request from the server";
        var w = _conn.Output;
        switch (request.Type)
        {
            case AuthenticationRequestType.AuthenticationOk:
                return null;
            case AuthenticationRequestType.AuthenticationCleartextPassword:
            case AuthenticationRequestType.AuthenticationMD5Password:
                if (options.Password is null)
                    return $"the server asks for a password for user \"{options.User}\" (set PGPASSWORD or ~/.pgpass)";
                FrontendMessages.WritePasswordMessage(w, request.Type == AuthenticationRequestType.AuthenticationMD5Password
                    ? Md5Password.ClientResponse(options.User, options.Password, request.GetMd5Salt())
                    : options.Password);
                flush = true;
                return null;
            case AuthenticationRequestType.AuthenticationSASL:
                if (options.Password is null)
                    return $"the server asks for a password for user \"{options.User}\" (set PGPASSWORD or ~/.pgpass)";
                scram = new ScramClient(options.Password);
                if (scram.SelectMechanism(request.GetSaslMechanisms()) is not { } mechanism)
                    return "the server offers no supported SASL mechanism";
                FrontendMessages.WriteSASLInitialResponse(w, mechanism, scram.CreateClientFirst(mechanism));
                flush = true;
                return null;
            case AuthenticationRequestType.AuthenticationSASLContinue:
                if (scram is null || scram.HandleServerFirst(request.Data.ToArray(), out var clientFinal) != AuthStatus.Continue)
                    return $"SCRAM authentication failed: {scram?.Failure}";
                FrontendMessages.WriteSASLResponse(w, clientFinal);
                flush = true;
                return null;
            case AuthenticationRequestType.AuthenticationSASLFinal:
                return scram is not null && scram.HandleServerFinal(request.Data.ToArray()) == AuthStatus.Success
                    ? null : $"SCRAM authentication failed: {scram?.Failure}";
            default:
                return $"unsupported authentication method {request.Type}";
        }
    }
}
