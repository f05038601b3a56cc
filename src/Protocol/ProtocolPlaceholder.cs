namespace Pooler.Protocol;
/// <summary>Placeholder until the protocol library lands.</summary>
internal static class ProtocolPlaceholder { }
