// Source-generated JSON for admin snapshots, commands and results sent between worker processes (the app is trimming-checked).
using System.Text.Json.Serialization;
using Pooler.Management;

namespace Pooler.Workers;

[JsonSerializable(typeof(AdminSnapshot))]
[JsonSerializable(typeof(WorkerAdminRequest))]
[JsonSerializable(typeof(AdminResult))]
[JsonSerializable(typeof(List<AdminCommand>))]
internal sealed partial class SnapshotJson : JsonSerializerContext;
