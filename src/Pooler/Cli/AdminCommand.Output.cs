// Human output of `pooler admin`: the admin console's tables as aligned text, status as key/value lines.
using System.Text;
using System.Text.Json;
using Pooler.Admin;
using Pooler.Management;
using Pooler.Stats;

namespace Pooler.Cli;

public sealed partial class AdminCommand
{
    private static void PrintHuman(ManagementResponse response, CommandContext context)
    {
        if (response.Outcome != "ok")
        {
            context.Error.WriteLine($"pooler admin: {response.Command}: {response.Message} ({response.Code})");
            return;
        }
        var result = response.Result;
        AdminTable? table = null;
        switch (response.Command)
        {
            case "status":
                var status = result.Deserialize(ManagementJson.Default.StatusInfo)!;
                context.Out.WriteLine($"version:        {status.Version}");
                context.Out.WriteLine($"started:        {status.StartedAt:u} ({status.UptimeSeconds} s ago)");
                context.Out.WriteLine($"state:          {(status.ShuttingDown ? "shutting down" : status.Paused ? "paused" : "running")}");
                context.Out.WriteLine($"workers:        {status.Workers}");
                context.Out.WriteLine($"pools:          {status.Pools}");
                context.Out.WriteLine($"clients:        {status.Clients} ({status.ClientsWaiting} waiting)");
                context.Out.WriteLine($"servers:        {status.Servers}");
                context.Out.WriteLine($"transactions:   {status.Totals.XactCount}");
                context.Out.WriteLine($"queries:        {status.Totals.QueryCount}");
                return;
            case "pools":
                table = AdminTables.Pools(new AdminSnapshot { Pools = result.Deserialize(ManagementJson.Default.ListPoolInfo)! });
                break;
            case "clients":
                table = AdminTables.Clients(new AdminSnapshot { Clients = result.Deserialize(ManagementJson.Default.ListClientInfo)! });
                break;
            case "servers":
                table = AdminTables.Servers(new AdminSnapshot { Servers = result.Deserialize(ManagementJson.Default.ListServerInfo)! });
                break;
            case "databases":
                table = AdminTables.Databases(new AdminSnapshot { Databases = result.Deserialize(ManagementJson.Default.ListDatabaseInfo)! });
                break;
            case "users":
                table = AdminTables.Users(new AdminSnapshot { Users = result.Deserialize(ManagementJson.Default.ListUserInfo)! });
                break;
            case "workers":
                table = AdminTables.Workers(new AdminSnapshot { Workers = result.Deserialize(ManagementJson.Default.ListWorkerInfo)! });
                break;
            case "config-get":
                table = AdminTables.Config(new AdminSnapshot { Config = result.Deserialize(ManagementJson.Default.ListConfigItem)! });
                break;
            case "stats":
                table = StatsTable(result.Deserialize(ManagementJson.Default.ListDatabaseStats)!);
                break;
        }
        if (table is not null)
            context.Out.Write(Render(table));
        else
            context.Out.WriteLine(response.Message.Length > 0 ? response.Message : "OK");
    }

    private static AdminTable StatsTable(List<DatabaseStats> stats)
    {
        var t = new AdminTable("database:s", "xacts:q", "queries:q", "received:q", "sent:q", "xact_time_us:q",
            "query_time_us:q", "wait_time_us:q", "avg_xacts_s:q", "avg_queries_s:q", "avg_xact_us:q", "avg_query_us:q");
        foreach (var s in stats)
        {
            StatsTotals x = s.Totals;
            StatsAverage a = s.Averages;
            t.Add(s.Database, x.XactCount, x.QueryCount, x.Received, x.Sent, x.XactTimeUs, x.QueryTimeUs, x.WaitTimeUs,
                a.XactCount, a.QueryCount, a.XactTimeUs, a.QueryTimeUs);
        }
        return t;
    }

    /// <summary>psql-like aligned text: a header, a rule, one line per row, and the row count.</summary>
    internal static string Render(AdminTable table)
    {
        var names = table.ColumnNames.ToArray();
        var widths = names.Select(n => n.Length).ToArray();
        foreach (var row in table.Rows)
        {
            for (var i = 0; i < row.Length; i++)
                widths[i] = Math.Max(widths[i], (row[i] ?? "").Length);
        }
        var text = new StringBuilder();
        text.AppendJoin(" | ", names.Select((n, i) => n.PadRight(widths[i]))).Append('\n');
        text.AppendJoin("-+-", widths.Select(w => new string('-', w))).Append('\n');
        foreach (var row in table.Rows)
            text.AppendJoin(" | ", row.Select((v, i) => (v ?? "").PadRight(widths[i]))).Append('\n');
        text.Append('(').Append(table.Rows.Count).Append(table.Rows.Count == 1 ? " row)\n" : " rows)\n");
        return text.ToString();
    }
}
