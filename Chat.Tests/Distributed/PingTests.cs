using System.Net;
using Aspire.Hosting.Testing;

namespace Chat.Tests.Distributed;

public sealed class PingTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ping_answers_pong()
    {
        using var response = await app.Http.GetAsync("/ping", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"message":"pong"}""", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Theory]
    [InlineData("httpserver", "/health")]
    [InlineData("httpserver", "/alive")]
    public async Task Health_endpoints_answer_healthy(string resource, string path)
    {
        using var http = app.App.CreateHttpClient(resource, "http");

        using var response = await http.GetAsync(path, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Cancellation));
    }
}
