// The single-process pooler's management socket and metrics endpoint, and the admin hooks for RELOAD/SHUTDOWN.
using System.Net;
using Pooler.Management;
using Pooler.Metrics;

namespace Pooler.Hosting;

internal sealed partial class PoolerInstance
{
    private readonly List<IAsyncDisposable> _services = [];
    private readonly TaskCompletionSource _stoppedTcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once StopAsync has finished (also when SHUTDOWN came from the admin console or CLI).</summary>
    public Task Stopped => _stoppedTcs.Task;

    public ManagementServer? Management { get; private set; }

    public MetricsServer? Metrics { get; private set; }

    /// <summary>The TCP management port (SCRAM), when management_port is set.</summary>
    public ManagementServer? ManagementTcp { get; private set; }

    /// <summary>Wire RELOAD and SHUTDOWN to this instance, and open the management socket and metrics endpoint.</summary>
    internal void StartAdminServices()
    {
        var options = Runtime.Options;
        if (Runtime.Admin is LocalAdminBackend local)
        {
            local.Reload = async () => ToAdminResult(await ReloadAsync());
            local.Shutdown = command => StopAsync(command.Graceful);
        }
        var averages = (Runtime.Admin as LocalAdminBackend)?.Averages;
        var fallback = new Stats.StatsAverages(DateTimeOffset.UtcNow, Stats.StatsAverages.DefaultPeriod, TimeProvider.System);
        if (options.ManagementSocketPath is { } path)
        {
            Management = ManagementServer.Start(path, Runtime.Admin, () => averages ?? fallback, _log);
            _services.Add(Management);
        }
        if (options.ManagementPort > 0)
        {
            // The options in force when each connection comes: RELOAD changes TLS files, admin_users and auth_file.
            ManagementTcp = ManagementServer.StartTcp(ManagementServer.TcpEndPoint(options), Runtime.Admin, () => averages ?? fallback,
                () => Runtime.Options, _log);
            _services.Add(ManagementTcp);
        }
        if (options.MetricsPort > 0)
        {
            var address = options.MetricsAddr ?? options.ListenAddr.FirstOrDefault() ?? "127.0.0.1";
            var ip = address == "*" ? IPAddress.Any : IPAddress.TryParse(address, out var parsed) ? parsed : Dns.GetHostAddresses(address)[0];
            Metrics = MetricsServer.Start(new IPEndPoint(ip, options.MetricsPort), Runtime.Admin, _log);
            _services.Add(Metrics);
        }
    }

    private async Task StopAdminServicesAsync()
    {
        foreach (var service in _services)
        {
            try
            {
                await service.DisposeAsync();
            }
            catch (Exception ex)
            {
                _log.Debug(ex, "stopping an admin service failed");
            }
        }
        _services.Clear();
        _stoppedTcs.TrySetResult();
    }

    internal static AdminResult ToAdminResult(ReloadResult result) => result.Status switch
    {
        ReloadStatus.Applied => AdminResult.Ok(result.NeedRestart.Count == 0
            ? "RELOAD"
            : $"RELOAD (restart required for: {string.Join(", ", result.NeedRestart)})"),
        ReloadStatus.Invalid => AdminResult.Error(AdminOutcome.Failed, "reload.invalid",
            "the configuration file has errors; the old configuration stays in force: " + string.Join("; ", result.Errors)),
        ReloadStatus.NoSourceFile => AdminResult.Error(AdminOutcome.NotSupported, "reload.no_file",
            "the configuration was not read from a file; nothing to reload"),
        _ => AdminResult.Error(AdminOutcome.Failed, "reload.not_running", "the pooler is stopping"),
    };
}
