// The outcome of one system call: a non-negative value, or a negated errno. Expected failures stay values.
namespace Pooler.Io.Interop;

internal readonly struct PosixResult
{
    public PosixResult(long value) => Value = value;

    /// <summary>The call's return value when it succeeded, otherwise -errno.</summary>
    public long Value { get; }

    public bool IsSuccess => Value >= 0;
    public int Errno => Value < 0 ? (int)-Value : 0;
    public int IntValue => (int)Value;

    public bool IsAgain => Value == -Errnos.EAGAIN;

    public void ThrowOnError(string call)
    {
        if (Value < 0) throw new IOException($"{call} failed: errno {Errno} ({Errnos.Name(Errno)})", Errno);
    }

    public override string ToString() => Value >= 0 ? Value.ToString() : $"-{Errnos.Name(Errno)}";
}
