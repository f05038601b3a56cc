// Type bytes of the messages a client (frontend) sends after startup, named as the PostgreSQL 15–17 docs name them.
namespace Pooler.Protocol;

/// <summary>
/// The first byte of every frontend message after the startup phase. Several messages share a byte: 'p' is
/// PasswordMessage, SASLInitialResponse, SASLResponse or GSSResponse depending on the authentication step, so
/// those members have equal values and the session's state decides which one a frame is.
/// </summary>
public enum FrontendMessageCode : byte
{
    Bind = (byte)'B',
    Close = (byte)'C',
    CopyData = (byte)'d',
    CopyDone = (byte)'c',
    CopyFail = (byte)'f',
    Describe = (byte)'D',
    Execute = (byte)'E',
    Flush = (byte)'H',
    FunctionCall = (byte)'F',
    GSSResponse = (byte)'p',
    Parse = (byte)'P',
    PasswordMessage = (byte)'p',
    Query = (byte)'Q',
    SASLInitialResponse = (byte)'p',
    SASLResponse = (byte)'p',
    Sync = (byte)'S',
    Terminate = (byte)'X',
}
