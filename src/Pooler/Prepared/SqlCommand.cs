// One classified SQL statement: its kind and, for SET/RESET, the parameter and the value as SQL text.
namespace Pooler.Prepared;

/// <summary>
/// <see cref="Value"/> is the value exactly as the client wrote it (tokens joined by spaces, comments dropped), so
/// replaying <c>SET name TO value</c> on another server means what it meant on the first (a list such as
/// <c>search_path = a, "B"</c> stays a list).
/// </summary>
internal sealed record SqlCommand(SqlCommandKind Kind, string? Name = null, string? Value = null)
{
    public static readonly SqlCommand Other = new(SqlCommandKind.Other);
    public static readonly SqlCommand Refused = new(SqlCommandKind.Refused);
    public static readonly SqlCommand SetIgnored = new(SqlCommandKind.SetIgnored);
    public static readonly SqlCommand ResetAll = new(SqlCommandKind.ResetAll);

    /// <summary>True for the statements whose command tag is "SET" or "RESET".</summary>
    public bool HasSetTag => Kind is SqlCommandKind.Set or SqlCommandKind.Reset or SqlCommandKind.ResetAll or SqlCommandKind.SetIgnored;
}
