using System.Net;
using System.Text.Json;

namespace Chat.Tests.Reliability;

/// <summary>The services the hostile requests are thrown at, started once for the whole table.</summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    internal ChatServices Services { get; } = new();

    public async ValueTask InitializeAsync()
    {
        // Short enough that the slow-sender rows finish in seconds; the production defaults are longer.
        Services.HttpSettings["ServerLimits:RequestHeadersTimeout"] = "00:00:02";
        Services.HttpSettings["ServerLimits:MinDataRateGracePeriod"] = "00:00:02";
        await Services.StartAsync();
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

[Collection(ReliabilityCollection.Name)]
public sealed class HostileInputTests(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(15);

    public static TheoryData<string> Names => new(HostileRequests.All.Keys);

    [Fact]
    public void Hostile_request_table_has_at_least_100_rows() =>
        Assert.True(HostileRequests.All.Count >= 100, $"Only {HostileRequests.All.Count} rows.");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Hostile_request_gets_its_4xx_and_the_services_stay_healthy(string name)
    {
        var hostile = HostileRequests.All[name];

        var response = await RawHttp.ExchangeAsync(fixture.Services.HttpPort, hostile.Parts, AnswerTimeout);

        Assert.InRange(response.Status, 400, 499);
        Assert.True(hostile.Status == response.Status,
            $"Expected {hostile.Status}, got {response.Status}: {response.BodyText}");
        if (hostile.ProblemBody)
        {
            Assert.Equal("application/problem+json", response.Header("Content-Type")?.Split(';')[0]);
            using var problem = JsonDocument.Parse(response.Body);
            Assert.Equal(response.Status, problem.RootElement.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()));
        }
        else
        {
            Assert.Empty(response.Body);
        }

        Assert.True(await fixture.Services.IsHttpReadyAsync(), "The services are not healthy after this request.");
    }

    [Fact]
    public async Task A_normal_send_and_pull_still_work_beside_hostile_input()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var sent = await fixture.Services.Http.PostAsync("/api/send", new StringContent(
            """{"chat":"calm:quiet","sender":"calm","text":"still here"}""", System.Text.Encoding.UTF8,
            "application/json"), cancel);
        using var pulled = await fixture.Services.Http.GetAsync("/api/pull?chat=calm:quiet", cancel);

        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        Assert.Contains("still here", await pulled.Content.ReadAsStringAsync(cancel));
    }
}
