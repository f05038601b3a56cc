// The result of IoEngine.ConnectAsync: a status, the connection when Connected, and the errno behind a failure.
namespace Pooler.Io;

public readonly record struct ConnectResult(ConnectStatus Status, IoConnection? Connection, int Errno)
{
    public bool IsConnected => Status == ConnectStatus.Connected;
}
