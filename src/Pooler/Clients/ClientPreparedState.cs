// What transaction and statement mode track of a client's extended-protocol use, made on its first Parse, Bind or
// large held message: an idle client, or one that sends only simple queries, holds none of it (~50 bytes).
using Pooler.Prepared;

namespace Pooler.Clients;

/// <summary>One per session at most, owned by ClientSession.Prepared.cs; loop thread only.</summary>
internal sealed class ClientPreparedState
{
    /// <summary>Portals bound to a statement whose command matters for tracking (SET, DISCARD ...), by name.</summary>
    public Dictionary<string, SqlCommand>? PortalCommands;

    /// <summary>The client's named prepared statements (the pooler's record).</summary>
    public ClientStatements? Statements;

    /// <summary>The command of the unnamed statement last parsed, for the Bind that follows.</summary>
    public SqlCommand UnnamedCommand = SqlCommand.Other;

    /// <summary>A held message too large for the pipe, collected piece by piece (bounded by max_packet_size).</summary>
    public byte[]? Accumulated;
    public int AccumulatedLength;

    /// <summary>Parse messages from this client (named and unnamed), and its Binds.</summary>
    public long ParseCount;
    public long BindCount;
}
