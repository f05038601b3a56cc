// The pooler's Prometheus metrics, all derived from one admin snapshot at scrape time.
using Pooler.Management;

namespace Pooler.Metrics;

/// <summary>
/// Gauges are SHOW POOLS' figures per (database, user); counters are the pools' running totals, so they only grow
/// for a pool's lifetime. Nothing is sampled in the background: a scrape builds a snapshot and renders it.
/// </summary>
internal static class MetricsWriter
{
    public static string Render(AdminSnapshot s)
    {
        var m = new PrometheusText();
        m.Family("pooler_up", "gauge", "1 while the pooler answers scrapes.").Sample("pooler_up", 1);
        m.Family("pooler_start_time_seconds", "gauge", "Start time of the pooler since the Unix epoch, in seconds.")
            .Sample("pooler_start_time_seconds", s.StartedAt.ToUnixTimeMilliseconds() / 1000.0);
        m.Family("pooler_paused", "gauge", "1 while PAUSE (all databases) is in force.").Sample("pooler_paused", s.Paused ? 1 : 0);

        m.Family("pooler_pool_clients", "gauge", "Client connections of a pool by state (SHOW POOLS cl_*).");
        m.Family("pooler_pool_servers", "gauge", "Server connections of a pool by state (SHOW POOLS sv_*).");
        m.Family("pooler_pool_maxwait_seconds", "gauge", "How long the oldest waiting client of a pool has waited.");
        m.Family("pooler_pool_size", "gauge", "The pool_size in force for a pool.");
        foreach (var p in s.Pools)
        {
            (string, string)[] Labels(string? state) => state is null
                ? [("database", p.Database), ("user", p.User)]
                : [("database", p.Database), ("user", p.User), ("state", state)];
            m.Sample("pooler_pool_clients", p.ClActive, Labels("active"));
            m.Sample("pooler_pool_clients", p.ClWaiting, Labels("waiting"));
            m.Sample("pooler_pool_clients", p.ClActiveCancelReq, Labels("active_cancel_req"));
            m.Sample("pooler_pool_servers", p.SvActive, Labels("active"));
            m.Sample("pooler_pool_servers", p.SvIdle, Labels("idle"));
            m.Sample("pooler_pool_servers", p.SvUsed, Labels("used"));
            m.Sample("pooler_pool_servers", p.SvTested, Labels("tested"));
            m.Sample("pooler_pool_servers", p.SvLogin, Labels("login"));
            m.Sample("pooler_pool_servers", p.SvActiveCancel, Labels("active_cancel"));
            m.Sample("pooler_pool_servers", p.SvBeingCanceled, Labels("being_canceled"));
            m.Sample("pooler_pool_maxwait_seconds", p.MaxWaitUs / 1e6, Labels(null));
            m.Sample("pooler_pool_size", p.PoolSize, Labels(null));
        }

        Counter(m, s, "pooler_server_assignments_total", "Times a server was assigned to a client.", t => t.ServerAssignmentCount);
        Counter(m, s, "pooler_transactions_total", "Transactions pooled.", t => t.XactCount);
        Counter(m, s, "pooler_queries_total", "Queries pooled.", t => t.QueryCount);
        Counter(m, s, "pooler_received_bytes_total", "Bytes received from clients.", t => t.Received);
        Counter(m, s, "pooler_sent_bytes_total", "Bytes sent to clients.", t => t.Sent);
        Counter(m, s, "pooler_transaction_time_seconds_total", "Time spent in transactions.", t => t.XactTimeUs / 1e6);
        Counter(m, s, "pooler_query_time_seconds_total", "Time spent in queries.", t => t.QueryTimeUs / 1e6);
        Counter(m, s, "pooler_wait_time_seconds_total", "Time clients waited for a server.", t => t.WaitTimeUs / 1e6);
        Counter(m, s, "pooler_client_parses_total", "Parse messages from clients (prepared-statement tracking).", t => t.ClientParseCount);
        Counter(m, s, "pooler_server_parses_total", "Parse messages sent to servers (prepared-statement tracking).", t => t.ServerParseCount);
        Counter(m, s, "pooler_binds_total", "Bind messages sent to servers (prepared-statement tracking).", t => t.BindCount);

        m.Family("pooler_errors_total", "counter", "ErrorResponses passed to clients, by SQLSTATE class.");
        foreach (var p in s.Pools)
        {
            foreach (var (cls, n) in p.Stats.ErrorsByClass.OrderBy(e => e.Key, StringComparer.Ordinal))
                m.Sample("pooler_errors_total", n, ("database", p.Database), ("user", p.User), ("sqlstate_class", cls));
        }

        m.Family("pooler_clients", "gauge", "Client connections of the whole pooler (including admin console sessions).")
            .Sample("pooler_clients", s.Clients.Count);
        m.Family("pooler_worker_up", "gauge", "1 while a worker process is alive (worker 0 is the single process with workers = 0).");
        m.Family("pooler_worker_restarts_total", "counter", "Times the supervisor restarted a worker.");
        m.Family("pooler_worker_clients", "gauge", "Client connections a worker holds.");
        foreach (var w in s.Workers)
        {
            var id = w.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            m.Sample("pooler_worker_up", w.Alive ? 1 : 0, ("worker", id));
            m.Sample("pooler_worker_restarts_total", w.Restarts, ("worker", id));
            m.Sample("pooler_worker_clients", w.Clients, ("worker", id));
        }
        return m.ToString();
    }

    private static void Counter(PrometheusText m, AdminSnapshot s, string name, string help, Func<Stats.StatsTotals, double> value)
    {
        m.Family(name, "counter", help);
        foreach (var p in s.Pools)
            m.Sample(name, value(p.Stats), ("database", p.Database), ("user", p.User));
    }
}
