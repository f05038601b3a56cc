// Decodes PasswordMessage ('p' after AuthenticationCleartextPassword or AuthenticationMD5Password).
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>PasswordMessage decoder: the cleartext password or the "md5…" string.</summary>
public static class PasswordMessage
{
    public static bool TryParse(in ReadOnlySequence<byte> body, out string password) =>
        CommandCompleteMessage.TryParseSingleString(body, out password);
}
