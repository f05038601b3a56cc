// Process exit codes a script can rely on.
namespace Pooler.Cli;

/// <summary>Exit codes of every subcommand.</summary>
public static class ExitCodes
{
    /// <summary>Success, including a clean stop of <c>pooler run</c>.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and failed (invalid configuration, a fatal runtime error).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong (unknown command or option, missing argument).</summary>
    public const int Usage = 2;
}
