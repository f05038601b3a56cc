// The payload of WorkerMessage.ServerParameters: a pool key and its servers' ParameterStatus set, as C strings.
using System.Text;
using Pooler.Pools;

namespace Pooler.Workers;

/// <summary>database NUL user NUL, then name NUL value NUL per parameter. Neither can hold a NUL: on the wire they
/// are C strings too.</summary>
internal static class ServerParametersMessage
{
    public static byte[] Encode(PoolKey key, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var text = new StringBuilder();
        text.Append(key.Database).Append('\0').Append(key.User).Append('\0');
        foreach (var (name, value) in parameters)
            text.Append(name).Append('\0').Append(value).Append('\0');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>False for a payload no worker could have sent (odd field count, missing key).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out PoolKey key, out IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        key = default;
        parameters = [];
        if (payload.IsEmpty || payload[^1] != 0)
            return false;
        var fields = Encoding.UTF8.GetString(payload[..^1]).Split('\0');
        if (fields.Length < 2 || fields.Length % 2 != 0)
            return false;
        key = new PoolKey(fields[0], fields[1]);
        var list = new List<KeyValuePair<string, string>>(fields.Length / 2 - 1);
        for (var i = 2; i < fields.Length; i += 2)
            list.Add(new KeyValuePair<string, string>(fields[i], fields[i + 1]));
        parameters = list;
        return true;
    }

    /// <summary>The pool key part alone (the supervisor keeps the latest set per pool without decoding the rest).</summary>
    public static bool TryReadKey(ReadOnlySpan<byte> payload, out string key)
    {
        key = "";
        var first = payload.IndexOf((byte)0);
        if (first < 0)
            return false;
        var second = payload[(first + 1)..].IndexOf((byte)0);
        if (second < 0)
            return false;
        key = Encoding.UTF8.GetString(payload[..(first + 1 + second)]);
        return true;
    }
}
