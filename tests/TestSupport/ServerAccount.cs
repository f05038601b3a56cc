// Decides which system user runs initdb and postgres: PostgreSQL refuses to run as root.
namespace Pooler.TestSupport;

/// <summary>The account the server runs under. As root we drop to the Debian package's `postgres` user (or a
/// dedicated `pooler-pg` system user when that package user is missing) with setpriv; otherwise we run as
/// ourselves.</summary>
public sealed class ServerAccount
{
    public const string FallbackUser = "pooler-pg";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static ServerAccount? _current;

    private ServerAccount(string? userName) => UserName = userName;

    /// <summary>The user to switch to, or null when the current user runs the server itself.</summary>
    public string? UserName { get; }

    public static bool IsRoot => ReadEffectiveUid() == 0;

    public static async Task<ServerAccount> GetAsync(CancellationToken ct = default)
    {
        await Gate.WaitAsync(ct);
        try
        {
            return _current ??= await ResolveAsync(ct);
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The command line that runs <paramref name="program"/> as this account.</summary>
    public (string FileName, IReadOnlyList<string> Arguments) Wrap(string program, IEnumerable<string> arguments)
    {
        if (UserName is null)
            return (program, arguments.ToArray());
        string[] prefix = [$"--reuid={UserName}", $"--regid={UserName}", "--init-groups", "--", program];
        return ("setpriv", [.. prefix, .. arguments]);
    }

    /// <summary>Gives the account ownership of a directory tree (a no-op when we are the account).</summary>
    public async Task GiveOwnershipAsync(string path, CancellationToken ct = default)
    {
        if (UserName is null)
            return;
        (await ProcessRunner.RunAsync("chown", ["-R", $"{UserName}:{UserName}", path], ct: ct)).ThrowIfFailed();
    }

    private static async Task<ServerAccount> ResolveAsync(CancellationToken ct)
    {
        if (!IsRoot)
            return new ServerAccount(null);
        if (await UserExistsAsync("postgres", ct))
            return new ServerAccount("postgres");
        if (!await UserExistsAsync(FallbackUser, ct))
        {
            var created = await ProcessRunner.RunAsync(
                "useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", FallbackUser], ct: ct);
            // Another test process may have created it at the same moment (exit 9: user exists).
            if (!created.Succeeded && !await UserExistsAsync(FallbackUser, ct))
                created.ThrowIfFailed();
        }
        return new ServerAccount(FallbackUser);
    }

    private static async Task<bool> UserExistsAsync(string user, CancellationToken ct) =>
        (await ProcessRunner.RunAsync("id", ["-u", user], ct: ct)).Succeeded;

    private static int ReadEffectiveUid()
    {
        // /proc/self/status has "Uid: real effective saved fs"; reading it avoids P/Invoke outside src/Io.
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
                return int.Parse(line.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries)[2]);
        }
        throw new InvalidOperationException("/proc/self/status has no Uid line.");
    }
}
