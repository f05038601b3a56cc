// A file in the temp directory for one test (auth_file, hba file), deleted on dispose.
namespace Pooler.Tests.Auth;

internal sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    public string Path { get; }

    public static TempFile Write(string prefix, string content)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, content);
        return new TempFile(path);
    }

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
