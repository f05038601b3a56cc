// Property tests for decoders: any body, in any segmentation, decodes the same way or is refused, never throws.
using System.Buffers;
using CsCheck;

namespace Pooler.Protocol.Tests.Messages;

public class DecoderPropertyTests
{
    /// <summary>Every decoder's verdict and result, as one comparable string.</summary>
    private static string DecodeAll(ReadOnlySequence<byte> body)
    {
        var parts = new List<string>();
        parts.Add(ReadyForQueryMessage.TryParse(body, out var rfq) ? $"Z{rfq}" : "-");
        parts.Add(ParameterStatusMessage.TryParse(body, out var ps) ? $"S{ps}" : "-");
        parts.Add(BackendKeyDataMessage.TryParse(body, out var key) ? $"K{key.ProcessId}:{Convert.ToHexString(key.SecretKey)}" : "-");
        parts.Add(ErrorFields.TryParse(body, out var err) ? "E" + string.Join("|", err.Fields.Select(f => $"{f.Key}={f.Value}")) : "-");
        if (AuthenticationMessage.TryParse(body, out var auth))
            parts.Add($"R{auth.Type}:{Convert.ToHexString(auth.Data.ToArray())}:{string.Join(",", auth.GetSaslMechanisms())}:{Convert.ToHexString(auth.GetMd5Salt())}");
        else
            parts.Add("-");
        parts.Add(CommandCompleteMessage.TryParse(body, out var tag) ? $"C{tag}" : "-");
        parts.Add($"c{CommandCompleteMessage.ClassifySessionTag(body)}");
        parts.Add(QueryMessage.TryParse(body, out var sql) ? $"Q{sql}" : "-");
        parts.Add(SaslInitialResponseMessage.TryParse(body, out var sasl) ? $"p{sasl.Mechanism}:{sasl.HasData}:{Convert.ToHexString(sasl.Data.ToArray())}" : "-");
        parts.Add(ParseMessage.TryParse(body, out var parse) ? $"P{parse.StatementName}:{parse.Query}:{string.Join(",", parse.GetParameterTypes())}" : "-");
        parts.Add(BindMessage.TryParse(body, out var bind) ? $"B{bind.PortalName}:{bind.StatementName}:{Convert.ToHexString(bind.Parameters.ToArray())}" : "-");
        parts.Add(TargetedMessage.TryParse(body, out var target) ? $"D{target.Target}:{target.Name}" : "-");
        parts.Add(ExecuteMessage.TryParse(body, out var exec) ? $"X{exec.PortalName}:{exec.MaxRows}" : "-");
        parts.Add(CopyResponseMessage.TryParse(body, out var copy) ? $"G{copy.OverallFormat}:{string.Join(",", copy.ColumnFormats)}" : "-");
        parts.Add(NotificationResponseMessage.TryParse(body, out var note) ? $"A{note}" : "-");
        parts.Add(NegotiateProtocolVersionMessage.TryParse(body, out var npv) ? $"v{npv.NewestMinorVersion}:{string.Join(",", npv.UnrecognizedOptions)}" : "-");
        parts.Add(RowDescriptionMessage.TryParse(body, out var cols) ? "T" + string.Join(",", cols) : "-");
        parts.Add(RowDescriptionMessage.TryParseDataRow(body, out var values) ? "D" + string.Join(",", values.Select(v => v ?? "<null>")) : "-");
        parts.Add(StartupMessage.TryParse(ProtocolVersions.V3_0, body, out var startup, out _) ? "U" + string.Join(",", startup.Parameters) : "-");
        return string.Join("\n", parts);
    }

    [Fact]
    public void AllDecoders_AnyBodyAnySegmentation_SameVerdictNoException()
    {
        // Small alphabets make valid layouts (NUL terminators, small counts) common enough to matter.
        var bodies = Gen.OneOf(
            Gen.Byte.Array[0, 40],
            Gen.Int[0, 6].Select(i => new byte[] { 0, 0, 1, 2, (byte)'S', (byte)'a', 0xFF }[i]).Array[0, 24]);
        Gen.Select(bodies, Gen.Int[0, 100].Array[0, 4]).Sample((body, cuts) =>
        {
            var whole = DecodeAll(new ReadOnlySequence<byte>(body));
            Assert.Equal(whole, DecodeAll(Sequences.Split(body, cuts.Select(c => c % (body.Length + 1)).ToArray())));
            Assert.Equal(whole, DecodeAll(Sequences.Bytewise(body)));
        }, iter: 3000, threads: 1);
    }

    [Fact]
    public void ReadyForQuery_FirstSegmentEmpty_StillDecodes()
    {
        Assert.True(ReadyForQueryMessage.TryParse(Sequences.Split([(byte)'T'], 0), out var status));
        Assert.Equal(TransactionStatus.InTransaction, status);
    }

    [Fact]
    public void QueryTryGetUtf8_AnyBody_AgreesWithTryParse()
    {
        Gen.Int[0, 5].Select(i => new byte[] { 0, (byte)'S', (byte)';', 0xC3, 0xA9, (byte)' ' }[i]).Array[0, 24].Sample(body =>
        {
            var seq = new ReadOnlySequence<byte>(body);
            if (QueryMessage.TryGetUtf8(seq, out var utf8))
            {
                Assert.True(QueryMessage.TryParse(seq, out var sql));
                Assert.Equal(sql, System.Text.Encoding.UTF8.GetString(utf8));
            }
            else
            {
                Assert.False(QueryMessage.TryParse(seq, out _));
            }
        }, iter: 2000, threads: 1);
    }

    [Theory]
    [InlineData("SET", SessionTag.Set)]
    [InlineData("RESET", SessionTag.Reset)]
    [InlineData("COMMIT", SessionTag.Commit)]
    [InlineData("ROLLBACK", SessionTag.Rollback)]
    [InlineData("DISCARD ALL", SessionTag.DiscardAll)]
    [InlineData("DEALLOCATE ALL", SessionTag.DeallocateAll)]
    [InlineData("SET CONSTRAINTS", SessionTag.Other)]
    [InlineData("SELECT 1", SessionTag.Other)]
    [InlineData("DEALLOCATE", SessionTag.Other)]
    [InlineData("commit", SessionTag.Other)]
    public void ClassifySessionTag_Tag_Meaning(string tag, SessionTag expected)
    {
        var body = System.Text.Encoding.ASCII.GetBytes(tag + "\0");
        Assert.Equal(expected, CommandCompleteMessage.ClassifySessionTag(new ReadOnlySequence<byte>(body)));
        Assert.Equal(expected, CommandCompleteMessage.ClassifySessionTag(Sequences.Bytewise(body)));
        Assert.Equal(SessionTag.Other, CommandCompleteMessage.ClassifySessionTag(new ReadOnlySequence<byte>(body, 0, body.Length - 1)));
    }
}
