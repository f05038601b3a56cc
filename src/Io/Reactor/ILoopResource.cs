// Something a loop owns and must close when the engine is disposed (connections, listeners, channels, watches).
namespace Pooler.Io;

internal interface ILoopResource
{
    /// <summary>Called on the loop thread while the engine stops.</summary>
    void Shutdown();
}
