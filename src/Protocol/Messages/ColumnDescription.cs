// One column of a RowDescription, as decoded or as the admin console describes its result columns.
namespace Pooler.Protocol;

/// <summary>A RowDescription field. Defaults describe a text-format column not taken from a table.</summary>
public readonly record struct ColumnDescription(
    string Name,
    uint TypeOid,
    short TypeSize = -1,
    int TypeModifier = -1,
    uint TableOid = 0,
    short ColumnNumber = 0,
    short FormatCode = 0)
{
    /// <summary>Type OIDs the admin console uses.</summary>
    public const uint Int4Oid = 23, Int8Oid = 20, TextOid = 25, NumericOid = 1700, TimestampTzOid = 1184, BoolOid = 16;

    public static ColumnDescription Text(string name) => new(name, TextOid);
    public static ColumnDescription Int8(string name) => new(name, Int8Oid, 8);
    public static ColumnDescription Int4(string name) => new(name, Int4Oid, 4);
}
