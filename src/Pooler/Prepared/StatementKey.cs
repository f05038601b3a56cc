// What makes two prepared statements interchangeable on a server: the same query text and parameter types.
using System.Buffers;

namespace Pooler.Prepared;

/// <summary>
/// Query text plus the raw parameter-type section of a Parse (Int16 count, Int32 OIDs). Equality compares both in
/// full (the hash only picks the bucket), so two different statements can never share a server-side name.
/// </summary>
internal sealed class StatementKey : IEquatable<StatementKey>
{
    private readonly int _hash;

    public StatementKey(string query, byte[] parameterTypes)
    {
        Query = query;
        ParameterTypes = parameterTypes;
        var h = new HashCode();
        h.Add(query, StringComparer.Ordinal);
        h.AddBytes(parameterTypes);
        _hash = h.ToHashCode();
        Command = SqlClassifier.ClassifySingle(query);
    }

    public static StatementKey From(string query, in ReadOnlySequence<byte> parameterTypes) =>
        new(query, parameterTypes.ToArray());

    public string Query { get; }

    /// <summary>The Parse's parameter-type section exactly as the client sent it.</summary>
    public byte[] ParameterTypes { get; }

    /// <summary>What the statement does to session state (SET, RESET, ...), for tracking its effect when it runs.</summary>
    public SqlCommand Command { get; }

    public bool Equals(StatementKey? other) =>
        other is not null && (ReferenceEquals(this, other)
            || (_hash == other._hash && Query == other.Query && ParameterTypes.AsSpan().SequenceEqual(other.ParameterTypes)));

    public override bool Equals(object? obj) => Equals(obj as StatementKey);

    public override int GetHashCode() => _hash;
}
