// Which reply a message sent to a server (or answered by the pooler itself) is waiting for.
namespace Pooler.Prepared;

internal enum ReplyKind : byte
{
    /// <summary>ParseComplete, or an ErrorResponse.</summary>
    Parse,
    Bind,

    /// <summary>ParameterDescription then RowDescription/NoData (statement), or RowDescription/NoData (portal).</summary>
    Describe,

    /// <summary>Rows, then CommandComplete, EmptyQueryResponse or PortalSuspended.</summary>
    Execute,
    Close,

    /// <summary>ReadyForQuery. After an error the server skips every message up to the next Sync.</summary>
    Sync,

    /// <summary>A simple Query or FunctionCall: everything up to ReadyForQuery, errors included.</summary>
    Query,

    /// <summary>The pooler answers ParseComplete itself (the server already has the statement).</summary>
    SynthesisedParseComplete,

    /// <summary>The pooler answers CloseComplete itself (a client's Close of a named statement).</summary>
    SynthesisedCloseComplete,
}
