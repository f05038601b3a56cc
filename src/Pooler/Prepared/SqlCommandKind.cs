// What one SQL statement means for the pooler's tracking of session state.
namespace Pooler.Prepared;

internal enum SqlCommandKind
{
    /// <summary>Nothing the pooler tracks.</summary>
    Other,

    /// <summary>SQL-level PREPARE / EXECUTE / DEALLOCATE name: refused in transaction and statement mode.</summary>
    Refused,

    /// <summary>SET [SESSION] name TO value: a session setting to replay on the client's next server.</summary>
    Set,

    /// <summary>RESET name, SET name TO DEFAULT.</summary>
    Reset,

    /// <summary>RESET ALL (every setting except role and session_authorization, as in PostgreSQL).</summary>
    ResetAll,

    /// <summary>A SET the pooler need not track (SET LOCAL, SET TRANSACTION, SET TIME ZONE, which is reported) but whose
    /// "SET" command tag must still be paired with its statement.</summary>
    SetIgnored,
}
