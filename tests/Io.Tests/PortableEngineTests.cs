// The conformance suite on the portable backend (.NET sockets through Pipelines.Sockets.Unofficial).
namespace Pooler.Io.Tests;

public sealed class PortableEngineTests : EngineConformance
{
    protected override IoEngine CreateEngine() => IoEngine.Create(EvBackend.Portable);
}
