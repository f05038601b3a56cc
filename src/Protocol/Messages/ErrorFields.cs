// The fields of an ErrorResponse or NoticeResponse, kept in the order sent so a decoded message re-encodes identically.
using System.Buffers;
using System.Text;

namespace Pooler.Protocol;

/// <summary>
/// ErrorResponse/NoticeResponse body: (field type byte, value) pairs in order. Properties give the documented fields;
/// unknown field types are kept (the docs say to ignore them, the pooler forwards them).
/// </summary>
public sealed class ErrorFields
{
    public const string Error = "ERROR", Fatal = "FATAL", Panic = "PANIC", Warning = "WARNING", Notice = "NOTICE",
        Debug = "DEBUG", Info = "INFO", Log = "LOG";

    public List<KeyValuePair<byte, string>> Fields { get; } = new();

    /// <summary>'S': localized severity.</summary>
    public string? Severity { get => Get('S'); set => Set('S', value); }
    /// <summary>'V': severity, never localized (PostgreSQL 9.6+).</summary>
    public string? InvariantSeverity { get => Get('V'); set => Set('V', value); }
    /// <summary>'C': the SQLSTATE code.</summary>
    public string? SqlState { get => Get('C'); set => Set('C', value); }
    /// <summary>'M': primary message.</summary>
    public string? Message { get => Get('M'); set => Set('M', value); }
    public string? Detail { get => Get('D'); set => Set('D', value); }
    public string? Hint { get => Get('H'); set => Set('H', value); }
    public string? Position { get => Get('P'); set => Set('P', value); }
    public string? InternalPosition { get => Get('p'); set => Set('p', value); }
    public string? InternalQuery { get => Get('q'); set => Set('q', value); }
    public string? Where { get => Get('W'); set => Set('W', value); }
    public string? SchemaName { get => Get('s'); set => Set('s', value); }
    public string? TableName { get => Get('t'); set => Set('t', value); }
    public string? ColumnName { get => Get('c'); set => Set('c', value); }
    public string? DataTypeName { get => Get('d'); set => Set('d', value); }
    public string? ConstraintName { get => Get('n'); set => Set('n', value); }
    public string? File { get => Get('F'); set => Set('F', value); }
    public string? Line { get => Get('L'); set => Set('L', value); }
    public string? Routine { get => Get('R'); set => Set('R', value); }

    /// <summary>Value of the first field of type <paramref name="type"/>, or null.</summary>
    public string? Get(char type)
    {
        foreach (var f in Fields)
            if (f.Key == (byte)type)
                return f.Value;
        return null;
    }

    /// <summary>Replaces the field's value, appends it when absent, removes it when <paramref name="value"/> is null.</summary>
    public void Set(char type, string? value)
    {
        int i = Fields.FindIndex(f => f.Key == (byte)type);
        if (value is null)
        {
            if (i >= 0) Fields.RemoveAt(i);
        }
        else if (i >= 0)
            Fields[i] = new((byte)type, value);
        else
            Fields.Add(new((byte)type, value));
    }

    /// <summary>Builds the fields PostgreSQL sends for an error it raises itself: S, V, C, M, then D and H if given.</summary>
    public static ErrorFields Create(string severity, string sqlState, string message, string? detail = null, string? hint = null)
    {
        var e = new ErrorFields();
        e.Fields.Add(new((byte)'S', severity));
        e.Fields.Add(new((byte)'V', severity));
        e.Fields.Add(new((byte)'C', sqlState));
        e.Fields.Add(new((byte)'M', message));
        if (detail is not null) e.Fields.Add(new((byte)'D', detail));
        if (hint is not null) e.Fields.Add(new((byte)'H', hint));
        return e;
    }

    /// <summary>Decodes an ErrorResponse or NoticeResponse body. False when a field lacks its terminator.</summary>
    public static bool TryParse(ReadOnlySequence<byte> body, out ErrorFields fields)
    {
        fields = new ErrorFields();
        var reader = new SequenceReader<byte>(body);
        while (reader.TryRead(out byte type))
        {
            if (type == 0)
                return reader.End;
            if (!reader.TryReadTo(out ReadOnlySequence<byte> value, 0))
                return false;
            fields.Fields.Add(new(type, Encoding.UTF8.GetString(value)));
        }
        return false;
    }

    public override string ToString() => $"{Severity}: {Message} (SQLSTATE {SqlState})";
}
