// Which kind of object Describe and Close refer to: a prepared statement or a portal.
namespace Pooler.Protocol;

/// <summary>The first byte of a Describe or Close body.</summary>
public enum StatementTarget : byte
{
    Statement = (byte)'S',
    Portal = (byte)'P',
}
