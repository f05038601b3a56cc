// Logging a bench connection in: StartupMessage, then trust, cleartext, MD5 or SCRAM-SHA-256 up to ReadyForQuery.
using System.Buffers;
using Pooler.Auth;
using Pooler.Protocol;

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
        ServerLoginAuth? auth = null;
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
                        failure = Authenticate(frame, options, ref auth, ref flush);
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
    /// <remarks>The answers are the pooler's own server-login ones (<see cref="ServerLoginAuth"/>); only the
    /// missing-password hint is the bench tool's.</remarks>
    private string? Authenticate(in Frame frame, BenchOptions options, ref ServerLoginAuth? auth, ref bool flush)
    {
        if (!AuthenticationMessage.TryParse(frame.Body, out var request))
            return "invalid authentication request from the server";
        if (request.Type == AuthenticationRequestType.AuthenticationOk)
            return null;
        if (options.Password is null && request.Type is AuthenticationRequestType.AuthenticationCleartextPassword
                or AuthenticationRequestType.AuthenticationMD5Password or AuthenticationRequestType.AuthenticationSASL)
            return $"the server asks for a password for user \"{options.User}\" (set PGPASSWORD or ~/.pgpass)";
        auth ??= new ServerLoginAuth(options.User, options.Password);
        if (auth.Respond(request, _conn.Output) is { } error)
            return error.Message;
        flush = true;
        return null;
    }
}
