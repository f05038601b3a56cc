// A one-shot watch on an fd (pidfd, inherited pipe): the handler runs on the loop thread when the fd becomes
// readable or hangs up, then the watch closes itself.
using Pooler.Io.Interop;

namespace Pooler.Io;

internal sealed class FdWatch : IDisposable, ILoopResource
{
    private readonly IoEngine _engine;
    private readonly Readiness? _readiness;
    private readonly Action _handler;
    private readonly bool _ownsFd;
    private bool _done;

    public FdWatch(IoEngine engine, int fd, Action handler, bool ownsFd)
    {
        _engine = engine;
        _handler = handler;
        _ownsFd = ownsFd;
        _readiness = fd >= 0 ? new Readiness(fd, this) : null;
        _done = fd < 0;
    }

    public static FdWatch Start(IoEngine engine, int fd, Action handler, bool ownsFd)
    {
        var watch = new FdWatch(engine, fd, handler, ownsFd);
        engine.Post(static s => _ = ((FdWatch)s!).RunAsync(), watch);
        return watch;
    }

    private async Task RunAsync()
    {
        if (_done) return;
        _engine.Register(_readiness!);
        await _readiness!.WaitReadable(_engine);
        if (_done) return;
        Close();
        _handler();
    }

    private void Close()
    {
        if (_done) return;
        _done = true;
        _engine.Unregister(_readiness!);
        _readiness!.Closed = true;
        if (_ownsFd) Libc.Close(_readiness.Fd);
        _readiness.WakeAll();
    }

    public void Shutdown() => Close();

    public void Dispose()
    {
        if (_engine.IsOnLoopThread) Close();
        else _engine.Post(static s => ((FdWatch)s!).Close(), this);
    }
}
