using System.Net;

namespace Chat.Tests.Distributed;

public sealed class PingTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    [Fact]
    public async Task Ping_answers_pong()
    {
        var response = await app.Http.GetAsync("/ping", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"message":"pong"}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
