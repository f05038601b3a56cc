// A simple-query client for the admin console in tests: columns with type OIDs, rows as text, errors by SQLSTATE.
using System.Buffers.Binary;
using System.Net;
using System.Text;
using Pooler.Tests.Functional;

namespace Pooler.Tests.Admin;

internal sealed record AdminColumn(string Name, uint TypeOid);

internal sealed record AdminResultSet(List<AdminColumn> Columns, List<string?[]> Rows, string? ErrorCode, string? ErrorMessage, string? Tag)
{
    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    public string? Value(int row, string column) => Rows[row][Columns.FindIndex(c => c.Name == column)];

    public IEnumerable<Dictionary<string, string?>> Records =>
        Rows.Select(r => Columns.Select((c, i) => (c.Name, r[i])).ToDictionary(x => x.Name, x => x.Item2));
}

internal sealed class AdminClient : IAsyncDisposable
{
    private readonly RawClient _raw;

    private AdminClient(RawClient raw) => _raw = raw;

    /// <summary>Log in to <paramref name="database"/> ("pgbouncer" or "pooler"); the SQLSTATE of a refusal, else null.</summary>
    public static async Task<(AdminClient Client, string? Error)> ConnectAsync(EndPoint endPoint, string user, string database = "pgbouncer")
    {
        var raw = await RawClient.ConnectAsync(endPoint);
        await raw.SendAsync(RawClient.Startup(user, database));
        while (await raw.ReadMessageAsync() is { } m)
        {
            if (m.Code == (byte)'Z')
                return (new AdminClient(raw), null);
            if (m.Code == (byte)'E')
                return (new AdminClient(raw), Field(m.Body, 'C'));
        }
        return (new AdminClient(raw), "EOF");
    }

    public async Task<AdminResultSet> QueryAsync(string sql)
    {
        await _raw.SendAsync(RawClient.Query(sql));
        var columns = new List<AdminColumn>();
        var rows = new List<string?[]>();
        string? code = null, message = null, tag = null;
        while (await _raw.ReadMessageAsync() is { } m)
        {
            switch ((char)m.Code)
            {
                case 'T':
                    columns = ReadColumns(m.Body);
                    break;
                case 'D':
                    rows.Add(ReadRow(m.Body));
                    break;
                case 'C':
                    tag = Encoding.UTF8.GetString(m.Body, 0, m.Body.Length - 1);
                    break;
                case 'E':
                    code = Field(m.Body, 'C');
                    message = Field(m.Body, 'M');
                    break;
                case 'Z':
                    return new AdminResultSet(columns, rows, code, message, tag);
            }
        }
        return new AdminResultSet(columns, rows, code ?? "EOF", message ?? "connection closed", tag);
    }

    private static List<AdminColumn> ReadColumns(byte[] body)
    {
        var list = new List<AdminColumn>();
        var count = BinaryPrimitives.ReadInt16BigEndian(body);
        var at = 2;
        for (var i = 0; i < count; i++)
        {
            var end = Array.IndexOf(body, (byte)0, at);
            var name = Encoding.UTF8.GetString(body, at, end - at);
            at = end + 1;
            var oid = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(at + 6));
            at += 18;
            list.Add(new AdminColumn(name, oid));
        }
        return list;
    }

    private static string?[] ReadRow(byte[] body)
    {
        var count = BinaryPrimitives.ReadInt16BigEndian(body);
        var values = new string?[count];
        var at = 2;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(at));
            at += 4;
            if (length < 0)
                continue;
            values[i] = Encoding.UTF8.GetString(body, at, length);
            at += length;
        }
        return values;
    }

    private static string? Field(byte[] fields, char code)
    {
        for (var i = 0; i < fields.Length && fields[i] != 0;)
        {
            var end = Array.IndexOf(fields, (byte)0, i + 1);
            if (fields[i] == (byte)code)
                return Encoding.UTF8.GetString(fields, i + 1, end - i - 1);
            i = end + 1;
        }
        return null;
    }

    public async Task<bool> IsClosedByPeerAsync() => await _raw.IsClosedByPeerAsync();

    public ValueTask DisposeAsync() => _raw.DisposeAsync();
}
