// One user of a userlist.txt file.
namespace Pooler.Config;

/// <summary>A user and its secret from auth_file. <see cref="Line"/> is 1-based.</summary>
public sealed record AuthFileEntry(string User, string Secret, SecretKind Kind, int Line)
{
    /// <summary>The parsed SCRAM secret when <see cref="Kind"/> is <see cref="SecretKind.ScramSha256"/>.</summary>
    public ScramSecret? Scram { get; init; }

    /// <summary>Never prints the secret, so entries can be logged safely.</summary>
    public override string ToString() => $"AuthFileEntry {{ User = {User}, Kind = {Kind}, Line = {Line} }}";
}
