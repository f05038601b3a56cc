// A temporary directory for config files and their neighbours (auth_file, pidfile), deleted after the test.
namespace Pooler.Tests.Cli;

internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pooler-cli-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>Writes a file in the directory and returns its full path.</summary>
    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: /tmp is cleaned by the system anyway.
        }
    }
}
