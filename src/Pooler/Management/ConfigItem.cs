// One configuration setting in a snapshot (SHOW CONFIG row, `config get`).
namespace Pooler.Management;

internal sealed record ConfigItem(string Key, string Value, string Default, bool Changeable);
