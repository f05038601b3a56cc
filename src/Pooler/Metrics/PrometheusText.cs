// Writes Prometheus text exposition format 0.0.4: HELP and TYPE once per family, then its samples.
using System.Globalization;
using System.Text;

namespace Pooler.Metrics;

internal sealed class PrometheusText
{
    private readonly StringBuilder _text = new();
    private readonly HashSet<string> _declared = new(StringComparer.Ordinal);

    /// <summary>Declare a family (once); every name starts with "pooler_".</summary>
    public PrometheusText Family(string name, string type, string help)
    {
        if (_declared.Add(name))
            _text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
                .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        return this;
    }

    public PrometheusText Sample(string name, double value, params (string Name, string Value)[] labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                    _text.Append(',');
                _text.Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Format(value)).Append('\n');
        return this;
    }

    public override string ToString() => _text.ToString();

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
            : value.ToString("R", CultureInfo.InvariantCulture);

    // Label values escape backslash, double quote and line feed.
    private static string Escape(string value) =>
        value.IndexOfAny(['\\', '"', '\n']) < 0 ? value : value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
