using Chat.RpcServer.Storage;
using StackExchange.Redis;

namespace Chat.Tests.Unit;

public sealed class StoredMessageTests
{
    [Theory]
    [InlineData("1764000000000000:0:hello", 1_764_000_000_000_000, 0, "hello")]
    [InlineData("1:1:x", 1, 1, "x")]
    [InlineData("42:0:", 42, 0, "")]
    [InlineData("7:1:0:1:looks like a member", 7, 1, "0:1:looks like a member")]
    [InlineData("7:0:line\nbreak 😀 日本", 7, 0, "line\nbreak 😀 日本")]
    [InlineData("9223372036854775807:1:max", long.MaxValue, 1, "max")]
    public void A_member_is_send_time_sender_index_and_the_text_after_the_second_colon(
        string member, long sendTime, int senderIndex, string text)
    {
        Assert.Equal(new StoredMessage(sendTime, senderIndex, text), StoredMessage.Parse(member));
    }

    [Fact]
    public void A_member_read_back_as_utf8_bytes_parses_the_same()
    {
        RedisValue bytes = System.Text.Encoding.UTF8.GetBytes("5:1:😀 {x}");

        Assert.Equal(new StoredMessage(5, 1, "😀 {x}"), StoredMessage.Parse(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData(":0:text")]
    [InlineData("12:0")]
    [InlineData("12:")]
    [InlineData("12:00:text")]
    [InlineData("12:2:text")]
    [InlineData("12:a:text")]
    [InlineData("x1:0:text")]
    [InlineData("-1:0:text")]
    [InlineData("+1:0:text")]
    [InlineData(" 1:0:text")]
    public void Anything_else_is_refused_as_malformed(string member)
    {
        Assert.Throws<FormatException>(() => StoredMessage.Parse(member));
    }

    [Fact]
    public void A_missing_member_is_refused()
    {
        Assert.Throws<FormatException>(() => StoredMessage.Parse(RedisValue.Null));
    }
}
