// Runs a command to completion and captures its output; used for initdb, psql, pgbench, kill and friends.
using System.Diagnostics;

namespace Pooler.TestSupport;

public static class ProcessRunner
{
    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/> (passed as an argument list,
    /// never through a shell) and returns its exit code and output. Cancellation kills the process tree.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? standardInput = null,
        CancellationToken ct = default)
    {
        var psi = CreateStartInfo(fileName, arguments, workingDirectory, environment);
        psi.RedirectStandardInput = true;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        // Read both streams concurrently: a child that fills one pipe while we wait on the other would hang.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (standardInput is not null)
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), ct);
            process.StandardInput.Close();
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            throw;
        }
        return new ProcessResult(fileName, psi.ArgumentList.ToArray(), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Builds a start info with redirected output, the argument list, and environment overrides
    /// (a null value removes the variable).</summary>
    public static ProcessStartInfo CreateStartInfo(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            psi.ArgumentList.Add(argument);
        if (workingDirectory is not null)
            psi.WorkingDirectory = workingDirectory;
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                    psi.Environment.Remove(key);
                else
                    psi.Environment[key] = value;
            }
        }
        return psi;
    }

    internal static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }
}
