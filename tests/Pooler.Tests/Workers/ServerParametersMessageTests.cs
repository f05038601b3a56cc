// The supervisor ↔ worker payload that shares a pool's server ParameterStatus set.
using Pooler.Pools;
using Pooler.Workers;
using Xunit;

namespace Pooler.Tests.Workers;

public sealed class ServerParametersMessageTests
{
    [Fact]
    public void Encode_ThenDecode_GivesKeyAndParametersInOrder()
    {
        KeyValuePair<string, string>[] parameters =
            [new("server_version", "17.2"), new("application_name", ""), new("TimeZone", "Europe/Zürich")];
        var payload = ServerParametersMessage.Encode(new PoolKey("bench", "alice"), parameters);

        Assert.True(ServerParametersMessage.TryDecode(payload, out var key, out var decoded));
        Assert.Equal(new PoolKey("bench", "alice"), key);
        Assert.Equal(parameters, decoded);
        Assert.True(ServerParametersMessage.TryReadKey(payload, out var text));
        Assert.Equal("bench\0alice", text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("bench")]
    [InlineData("bench\0alice\0server_version\0")]
    [InlineData("bench\0alice\0server_version\017")]
    public void TryDecode_Truncated_ReturnsFalse(string text) =>
        Assert.False(ServerParametersMessage.TryDecode(System.Text.Encoding.UTF8.GetBytes(text), out _, out _));
}
