// Source-generated JSON for admin snapshots sent between worker processes (the app is trimming-checked).
using System.Text.Json.Serialization;
using Pooler.Management;

namespace Pooler.Workers;

[JsonSerializable(typeof(AdminSnapshot))]
internal sealed partial class SnapshotJson : JsonSerializerContext;
