// Decodes every Authentication* ('R') message: subtype plus salt, SASL mechanisms or SASL/GSS data.
using System.Buffers;

namespace Pooler.Protocol;

/// <summary>
/// An Authentication* message. <see cref="Data"/> is what follows the subtype: the 4-byte salt for MD5, the
/// mechanism list for SASL, the server's message for SASLContinue/SASLFinal, GSS data for GSSContinue, else empty.
/// </summary>
public readonly record struct AuthenticationMessage(AuthenticationRequestType Type, ReadOnlySequence<byte> Data)
{
    /// <summary>False for an unknown subtype or a body whose size does not fit the subtype.</summary>
    public static bool TryParse(in ReadOnlySequence<byte> body, out AuthenticationMessage message)
    {
        message = default;
        var r = new SequenceReader<byte>(body);
        if (!r.TryReadBigEndian(out int type))
            return false;
        var data = r.UnreadSequence;
        bool ok = (AuthenticationRequestType)type switch
        {
            AuthenticationRequestType.AuthenticationOk or AuthenticationRequestType.AuthenticationKerberosV5
                or AuthenticationRequestType.AuthenticationCleartextPassword or AuthenticationRequestType.AuthenticationSCMCredential
                or AuthenticationRequestType.AuthenticationGSS or AuthenticationRequestType.AuthenticationSSPI => data.IsEmpty,
            AuthenticationRequestType.AuthenticationMD5Password => data.Length == 4,
            AuthenticationRequestType.AuthenticationSASL => IsStringList(data),
            AuthenticationRequestType.AuthenticationGSSContinue or AuthenticationRequestType.AuthenticationSASLContinue
                or AuthenticationRequestType.AuthenticationSASLFinal => true,
            _ => false,
        };
        if (!ok)
            return false;
        message = new((AuthenticationRequestType)type, data);
        return true;
    }

    /// <summary>The MD5 salt (AuthenticationMD5Password only).</summary>
    public byte[] GetMd5Salt() => Type == AuthenticationRequestType.AuthenticationMD5Password ? Data.ToArray() : [];

    /// <summary>The SASL mechanisms offered (AuthenticationSASL only), e.g. SCRAM-SHA-256-PLUS, SCRAM-SHA-256.</summary>
    public List<string> GetSaslMechanisms()
    {
        var list = new List<string>();
        if (Type != AuthenticationRequestType.AuthenticationSASL)
            return list;
        var r = new SequenceReader<byte>(Data);
        while (r.TryReadCString(out string name) && name.Length > 0)
            list.Add(name);
        return list;
    }

    /// <summary>Non-empty NUL-terminated strings, then one NUL ending the list and the body.</summary>
    private static bool IsStringList(in ReadOnlySequence<byte> data)
    {
        var r = new SequenceReader<byte>(data);
        while (r.TryPeek(out byte next))
        {
            if (next == 0)
                return r.Remaining == 1;
            if (!r.TryAdvanceTo(0))
                return false;
        }
        return false;
    }
}
