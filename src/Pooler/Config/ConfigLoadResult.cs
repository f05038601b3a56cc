// The outcome of loading a configuration: a config, or every error found. Expected failures are values.
using System.Diagnostics.CodeAnalysis;

namespace Pooler.Config;

/// <summary>Either a valid <see cref="PoolerConfig"/> or the list of errors that prevented one.</summary>
public sealed class ConfigLoadResult
{
    private ConfigLoadResult(PoolerConfig? config, IReadOnlyList<ConfigError> errors)
    {
        Config = config;
        Errors = errors;
    }

    /// <summary>The configuration when loading succeeded.</summary>
    public PoolerConfig? Config { get; }

    /// <summary>Every error found, in file order (errors without a position last); empty on success.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    /// <summary>True when <see cref="Config"/> is set and there are no errors.</summary>
    [MemberNotNullWhen(true, nameof(Config))]
    public bool IsSuccess => Config is not null;

    internal static ConfigLoadResult Success(PoolerConfig config) => new(config, []);

    internal static ConfigLoadResult Failure(IReadOnlyList<ConfigError> errors) => new(null, errors);
}
