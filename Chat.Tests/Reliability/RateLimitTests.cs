using System.Net;
using System.Text.Json;

namespace Chat.Tests.Reliability;

[Collection(ReliabilityCollection.Name)]
public sealed class RateLimitTests
{
    private const int PerSecond = 5;
    private const int Burst = 10;

    [Fact]
    public async Task Client_over_its_rate_limit_gets_429_with_Retry_After_and_a_problem_while_probes_pass()
    {
        await using var services = new ChatServices();
        services.HttpSettings["ChatApi:RateLimitPerSecond"] = PerSecond.ToString();
        services.HttpSettings["ChatApi:RateLimitBurst"] = Burst.ToString();
        await services.StartAsync();
        var cancel = TestContext.Current.CancellationToken;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 3 * Burst && refused is null; i++)
        {
            var response = await services.Http.GetAsync("/ping", cancel);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        Assert.True(statuses.Count(status => status == HttpStatusCode.OK) >= Burst - 1, string.Join(",", statuses));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync(cancel));
        Assert.Equal(429, problem.RootElement.GetProperty("status").GetInt32());
        refused.Dispose();

        using var probe = await services.Http.GetAsync("/health", cancel);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);

        await Task.Delay(retryAfter.Value, cancel);
        using var later = await services.Http.GetAsync("/ping", cancel);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }
}
