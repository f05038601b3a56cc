// Type bytes of the messages a server (backend) sends, named as the PostgreSQL 15–17 docs name them.
namespace Pooler.Protocol;

/// <summary>
/// The first byte of every backend message. All Authentication* messages share 'R' (the subtype is the first
/// Int32 of the body, see <see cref="AuthenticationRequestType"/>); CopyData/CopyDone exist in both directions.
/// </summary>
public enum BackendMessageCode : byte
{
    /// <summary>AuthenticationOk, …CleartextPassword, …MD5Password, …GSS, …SASL, …SASLContinue, …SASLFinal etc.</summary>
    AuthenticationRequest = (byte)'R',
    BackendKeyData = (byte)'K',
    BindComplete = (byte)'2',
    CloseComplete = (byte)'3',
    CommandComplete = (byte)'C',
    CopyData = (byte)'d',
    CopyDone = (byte)'c',
    CopyInResponse = (byte)'G',
    CopyOutResponse = (byte)'H',
    CopyBothResponse = (byte)'W',
    DataRow = (byte)'D',
    EmptyQueryResponse = (byte)'I',
    ErrorResponse = (byte)'E',
    FunctionCallResponse = (byte)'V',
    NegotiateProtocolVersion = (byte)'v',
    NoData = (byte)'n',
    NoticeResponse = (byte)'N',
    NotificationResponse = (byte)'A',
    ParameterDescription = (byte)'t',
    ParameterStatus = (byte)'S',
    ParseComplete = (byte)'1',
    PortalSuspended = (byte)'s',
    ReadyForQuery = (byte)'Z',
    RowDescription = (byte)'T',
}
