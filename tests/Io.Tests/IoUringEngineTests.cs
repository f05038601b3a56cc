// The conformance suite on the io_uring backend; skipped (with the kernel's reason) only where io_uring is refused.
namespace Pooler.Io.Tests;

[RequiresIoUring]
public sealed class IoUringEngineTests : EngineConformance
{
    protected override IoEngine CreateEngine() => IoEngine.Create(EvBackend.IoUring);
}
