// [ConformanceFact]: a Fact that is reported as skipped, with the kernel's reason, when its class needs io_uring
// and the kernel refuses it (xunit 2 has no dynamic skip, so the decision is made at discovery).
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Pooler.Io.Tests;

[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Pooler.Io.Tests.ConformanceFactDiscoverer", "Pooler.Io.Tests")]
public sealed class ConformanceFactAttribute : FactAttribute { }

[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresIoUringAttribute : Attribute { }

public sealed class ConformanceFactDiscoverer(IMessageSink sink) : IXunitTestCaseDiscoverer
{
    private readonly FactDiscoverer _inner = new(sink);

    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions options, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var type = testMethod.TestClass.Class.ToRuntimeType();
        if (type.IsDefined(typeof(RequiresIoUringAttribute), false) && !IoUringEngine.Probe(out var reason))
        {
            return [new XunitSkippedDataRowTestCase(sink, options.MethodDisplayOrDefault(), options.MethodDisplayOptionsOrDefault(),
                testMethod, $"io_uring refused by the kernel: {reason}")];
        }
        return _inner.Discover(options, testMethod, factAttribute);
    }
}
