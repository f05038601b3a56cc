// ~/.pgpass matching: first matching line, wildcards, escaped colons.
using Pooler.Bench;

namespace Pooler.Tests.Bench;

public sealed class PgPassTests
{
    [Fact]
    public void Match_FirstMatchingLine_WithWildcardsAndEscapes()
    {
        string[] lines =
        [
            "# comment",
            "otherhost:5432:*:alice:wrong",
            "127.0.0.1:5432:app:alice:pa\\:ss",
            "*:*:*:*:fallback",
        ];

        Assert.Equal("pa:ss", PgPass.Match(lines, "127.0.0.1", "5432", "app", "alice"));
        Assert.Equal("fallback", PgPass.Match(lines, "127.0.0.1", "5433", "app", "alice"));
        Assert.Null(PgPass.Match(lines[..3], "127.0.0.1", "5433", "app", "alice"));
    }
}
