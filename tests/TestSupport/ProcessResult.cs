// The outcome of a finished child process: exit code and everything it printed.
namespace Pooler.TestSupport;

public sealed record ProcessResult(string FileName, IReadOnlyList<string> Arguments, int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Turns a failed run into an exception whose message carries the command and its output, so a
    /// failing fixture step explains itself in the test log.</summary>
    public ProcessResult ThrowIfFailed()
    {
        if (!Succeeded)
            throw new InvalidOperationException(
                $"`{FileName} {string.Join(' ', Arguments)}` exited with {ExitCode}.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        return this;
    }
}
