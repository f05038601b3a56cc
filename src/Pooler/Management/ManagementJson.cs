// Source-generated JSON for the management protocol (the pooler is AOT-compatible, so no reflection serialiser).
using System.Text.Json.Serialization;

namespace Pooler.Management;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = false)]
[JsonSerializable(typeof(ManagementRequest))]
[JsonSerializable(typeof(ManagementResponse))]
[JsonSerializable(typeof(AdminSnapshot))]
[JsonSerializable(typeof(StatusInfo))]
[JsonSerializable(typeof(List<PoolInfo>))]
[JsonSerializable(typeof(List<ClientInfo>))]
[JsonSerializable(typeof(List<ServerInfo>))]
[JsonSerializable(typeof(List<DatabaseInfo>))]
[JsonSerializable(typeof(List<UserInfo>))]
[JsonSerializable(typeof(List<WorkerInfo>))]
[JsonSerializable(typeof(List<ConfigItem>))]
[JsonSerializable(typeof(List<DatabaseStats>))]
internal sealed partial class ManagementJson : JsonSerializerContext;
