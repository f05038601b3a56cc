// The conformance suite on the epoll backend.
namespace Pooler.Io.Tests;

public sealed class EpollEngineTests : EngineConformance
{
    protected override IoEngine CreateEngine() => IoEngine.Create(EvBackend.Epoll);
}
