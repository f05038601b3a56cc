// A simple-protocol Query's text as the pooler sees it: refused or not, and its SET/RESET statements in order.
namespace Pooler.Prepared;

/// <summary>
/// Each SET/RESET statement of a Query yields one "SET"/"RESET" CommandComplete, in order, so the n-th such tag from
/// the server is the outcome of <see cref="SetCommands"/>[n].
/// </summary>
internal sealed class SqlScript(bool refused, SqlCommand[] setCommands)
{
    public static readonly SqlScript Plain = new(false, []);

    public bool Refused { get; } = refused;

    public SqlCommand[] SetCommands { get; } = setCommands;
}
