// The Prometheus endpoint scraped during a pgbench load: counters only grow, gauges match SHOW POOLS at rest.
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Pooler.Tests.Admin;
using Pooler.TestSupport;

namespace Pooler.Tests.Functional;

[Collection(PostgresCollection.Name)]
public sealed class AdminMetricsTests(PostgresFixture fixture)
{
    [Fact(Timeout = 120_000)]
    public async Task Scrape_DuringLoad_CountersMonotonicGaugesMatchShowPools()
    {
        var metricsPort = FreePort.Next();
        await using var pooler = await PoolerHarness.StartAsync(fixture.Server,
            o => o with { AdminUsers = [PostgresServer.TrustUser], MetricsPort = metricsPort });
        var script = Path.GetTempFileName();
        await File.WriteAllTextAsync(script, "BEGIN;\nSELECT 1;\nCOMMIT;\n");
        var samples = new List<Dictionary<string, double>>();
        try
        {
            var load = PgBench.RunAsync("127.0.0.1", pooler.Port, PostgresServer.TrustUser, PostgresServer.Database,
                ["-c", "8", "-j", "2", "-t", "150", "-f", script]);
            while (!load.IsCompleted)
            {
                samples.Add(Parse(await ScrapeAsync(metricsPort)));
                await Task.Delay(20);
            }
            var run = await load;
            Assert.True(run.Complete, run.Process.StdOut + run.Process.StdErr);
        }
        finally
        {
            File.Delete(script);
        }
        var text = await ScrapeAsync(metricsPort);
        samples.Add(Parse(text));

        var key = $"pooler_transactions_total{{database=\"{PostgresServer.Database}\",user=\"{PostgresServer.TrustUser}\"}}";
        Assert.True(samples.Count >= 2);
        foreach (var name in samples[^1].Keys.Where(k => k.Contains("_total", StringComparison.Ordinal)))
        {
            var series = samples.Where(s => s.ContainsKey(name)).Select(s => s[name]).ToList();
            for (var i = 1; i < series.Count; i++)
                Assert.True(series[i] >= series[i - 1], $"{name} went down: {series[i - 1]} -> {series[i]}");
        }
        Assert.Equal(1200, samples[^1][key]);
        Assert.Contains("# TYPE pooler_transactions_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# HELP pooler_pool_servers ", text, StringComparison.Ordinal);

        var (console, _) = await AdminClient.ConnectAsync(pooler.TcpEndPoint, PostgresServer.TrustUser);
        await using var _console = console;
        var pool = (await console.QueryAsync("SHOW POOLS")).Records.Single(r => r["database"] == PostgresServer.Database);
        var gauges = Parse(await ScrapeAsync(metricsPort));
        string Label(string family, string state) =>
            $"{family}{{database=\"{PostgresServer.Database}\",user=\"{PostgresServer.TrustUser}\",state=\"{state}\"}}";
        Assert.Equal(double.Parse(pool["sv_idle"]!, CultureInfo.InvariantCulture), gauges[Label("pooler_pool_servers", "idle")]);
        Assert.Equal(double.Parse(pool["sv_active"]!, CultureInfo.InvariantCulture), gauges[Label("pooler_pool_servers", "active")]);
        Assert.Equal(double.Parse(pool["cl_active"]!, CultureInfo.InvariantCulture), gauges[Label("pooler_pool_clients", "active")]);
        Assert.Equal(double.Parse(pool["cl_waiting"]!, CultureInfo.InvariantCulture), gauges[Label("pooler_pool_clients", "waiting")]);
    }

    private static async Task<string> ScrapeAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        await socket.SendAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        var response = new MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0)
            response.Write(buffer, 0, n);
        var text = Encoding.UTF8.GetString(response.ToArray());
        Assert.StartsWith("HTTP/1.1 200 OK", text, StringComparison.Ordinal);
        return text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
    }

    private static Dictionary<string, double> Parse(string text)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var space = line.LastIndexOf(' ');
            values[line[..space]] = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
        }
        return values;
    }
}
