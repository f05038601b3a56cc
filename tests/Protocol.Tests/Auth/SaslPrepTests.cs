// SASLprep of passwords: RFC 4013's examples and PostgreSQL's fall-back-to-raw rule.
using Pooler.Protocol.Auth;

namespace Pooler.Protocol.Tests.Auth;

public class SaslPrepTests
{
    [Theory]
    [InlineData("I\u00ADX", "IX")]              // RFC 4013 §3 example 1: SOFT HYPHEN mapped to nothing
    [InlineData("user", "user")]                // ASCII unchanged
    [InlineData("\u00AA", "a")]                 // example 3: NFKC
    [InlineData("\u2168", "IX")]                // example 5: ROMAN NUMERAL NINE, NFKC
    [InlineData("a\u00A0b", "a b")]             // non-ASCII space mapped to SPACE
    [InlineData("e\u0301", "\u00E9")]           // composition
    [InlineData("\uAC00\u11A8", "\uAC01")]      // Hangul LV + T composes
    [InlineData("\u1100\u1161", "\uAC00")]      // Hangul L + V composes
    [InlineData("a\u0323\u0302", "\u1EAD")]     // marks reordered then composed
    [InlineData("a\u0302\u0323", "\u1EAD")]
    public void TryPrepare_RfcAndUnicodeExamples_Normalize(string input, string expected)
    {
        Assert.True(SaslPrep.TryPrepare(input, out var output));
        Assert.Equal(expected, output);
    }

    [Theory]
    [InlineData("\u0007x\u00E9")]               // example 4: control character (non-ASCII string so the check runs)
    [InlineData("\u0627\u0031")]                // example 6: RandALCat must also end the string
    [InlineData("\u0627a\u0627")]               // RandALCat mixed with LCat
    [InlineData("\u00AD")]                      // empty after mapping
    [InlineData("x\uE000")]                     // private use
    [InlineData("x\u0221")]                     // unassigned in Unicode 3.2
    public void TryPrepare_Prohibited_FailsAndPasswordFallsBackToRaw(string input)
    {
        Assert.False(SaslPrep.TryPrepare(input, out _));
        Assert.Equal(input, SaslPrep.PreparePassword(input));
    }

    [Fact]
    public void TryPrepare_AsciiControl_PassesUnchangedAsPostgresDoes()
    {
        Assert.True(SaslPrep.TryPrepare("a\u0007b", out var output));
        Assert.Equal("a\u0007b", output);
    }

    [Fact]
    public void TryPrepare_RandALCatOnly_IsAllowed()
    {
        Assert.True(SaslPrep.TryPrepare("\u0627\u0031\u0628", out var output));
        Assert.Equal("\u0627\u0031\u0628", output);
    }
}
