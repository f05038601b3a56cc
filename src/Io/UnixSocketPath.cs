// Unix socket files: a stale file from a previous run is replaced on Listen and removed on Dispose.
using System.Net;
using System.Net.Sockets;

namespace Pooler.Io;

internal static class UnixSocketPath
{
    public static void RemoveStale(EndPoint endPoint) => Remove(endPoint);

    public static void Remove(EndPoint? endPoint)
    {
        if (endPoint is not UnixDomainSocketEndPoint) return;
        var path = endPoint.ToString();
        if (string.IsNullOrEmpty(path) || path[0] == '\0' || path[0] == '@') return; // abstract namespace: no file
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && !info.Attributes.HasFlag(FileAttributes.Directory))
                info.Delete();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
