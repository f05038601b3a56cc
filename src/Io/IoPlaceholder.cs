namespace Pooler.Io;
/// <summary>Placeholder until the event backends land.</summary>
internal static class IoPlaceholder { }
