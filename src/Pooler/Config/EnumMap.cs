// Two-way mapping between an option enum and its TOML spellings, without reflection (AOT-safe).
namespace Pooler.Config;

/// <summary>The TOML names of one option enum, in the order they are documented.</summary>
public sealed class EnumMap<T>(params (string Name, T Value)[] pairs) where T : struct, Enum
{
    private readonly (string Name, T Value)[] _pairs = pairs;

    /// <summary>The accepted names, in documentation order.</summary>
    public IEnumerable<string> Names => _pairs.Select(p => p.Name);

    /// <summary>Looks a TOML name up (exact, lower-case spelling as documented).</summary>
    public bool TryParse(string name, out T value)
    {
        foreach (var (n, v) in _pairs)
        {
            if (n == name)
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>The TOML name of a value.</summary>
    public string NameOf(T value)
    {
        foreach (var (n, v) in _pairs)
        {
            if (EqualityComparer<T>.Default.Equals(v, value))
                return n;
        }
        return value.ToString();
    }
}
