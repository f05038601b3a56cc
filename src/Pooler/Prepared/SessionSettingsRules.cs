// PostgreSQL's special cases among session settings that the pooler replays.
namespace Pooler.Prepared;

internal static class SessionSettingsRules
{
    /// <summary>RESET ALL leaves role and session_authorization alone (GUC_NO_RESET_ALL); DISCARD ALL resets them.</summary>
    public static bool SurvivesResetAll(string name) =>
        name.Equals("role", StringComparison.OrdinalIgnoreCase) || name.Equals("session_authorization", StringComparison.OrdinalIgnoreCase);

    /// <summary>The statement that sets <paramref name="name"/> to <paramref name="sqlValue"/> (SQL text as the client wrote it).</summary>
    public static string SetStatement(string name, string sqlValue) => name.ToLowerInvariant() switch
    {
        "role" => "SET ROLE " + sqlValue,
        "session_authorization" => "SET SESSION AUTHORIZATION " + sqlValue,
        _ => "SET " + QuoteIdentifier(name) + " TO " + sqlValue,
    };

    public static string ResetStatement(string name) => name.ToLowerInvariant() switch
    {
        "role" => "RESET ROLE",
        "session_authorization" => "RESET SESSION AUTHORIZATION",
        _ => "RESET " + QuoteIdentifier(name),
    };

    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    /// <summary>An escape-string literal (E'...'), so the meaning does not depend on standard_conforming_strings.</summary>
    public static string QuoteLiteral(string value) => "E'" + value.Replace("\\", "\\\\").Replace("'", "''") + "'";
}
