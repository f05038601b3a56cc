// How `pooler bench` sends each SQL command, like pgbench's -M (protocol) option.
namespace Pooler.Bench;

/// <summary>The query protocol a bench client uses.</summary>
public enum QueryMode
{
    /// <summary>Simple query ('Q'), variables substituted into the SQL text.</summary>
    Simple,

    /// <summary>Unnamed statement per command: Parse, Bind, Describe, Execute, Sync; variables as $n parameters.</summary>
    Extended,

    /// <summary>Named statement parsed once per connection, then Bind, Describe, Execute, Sync.</summary>
    Prepared,
}
