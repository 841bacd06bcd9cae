using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Chat.Tests.Distributed;

/// <summary>A message as a client reads it from the API.</summary>
public sealed record ApiMessage(string Chat, string Text, string Sender, long SendTime);

/// <summary>A page as a client reads it from the API.</summary>
public sealed record ApiPage(IReadOnlyList<ApiMessage> Messages, bool HasMore, long NextCursor);

/// <summary>The calls a client makes, over real HTTP, with the contract's snake_case JSON.</summary>
public static class ChatApiClient
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static async Task<ApiMessage> SendAsync(
        this HttpClient http, string chat, string sender, string text, string? idempotencyKey = null)
    {
        using var response = await http.SendJsonAsync(
            HttpMethod.Post, "/api/send", new { chat, sender, text }, idempotencyKey);
        await EnsureOkAsync(response);
        return (await response.Content.ReadFromJsonAsync<ApiMessage>(Json, Cancellation))!;
    }

    /// <summary>
    /// A send as a careful client makes it: with an Idempotency-Key, retried with the same key after a 503 or 504
    /// (a cold server may miss its first deadline), so that it is stored exactly once.
    /// </summary>
    public static async Task<ApiMessage> SendWithRetriesAsync(this HttpClient http, string chat, string sender,
        string text, int attempts = 5)
    {
        var key = Guid.NewGuid().ToString("N");
        for (var attempt = 1; ; attempt++)
        {
            using var response = await http.SendJsonAsync(
                HttpMethod.Post, "/api/send", new { chat, sender, text }, key);
            var retryable = response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
            if (!retryable || attempt == attempts)
            {
                await EnsureOkAsync(response);
                return (await response.Content.ReadFromJsonAsync<ApiMessage>(Json, Cancellation))!;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        }
    }

    public static async Task<ApiPage> PullAsync(
        this HttpClient http, string chat, long cursor = 0, int limit = 0, bool reverse = false)
    {
        var query = $"/api/pull?chat={Uri.EscapeDataString(chat)}&cursor={cursor}&limit={limit}&reverse={reverse}";
        using var response = await http.GetAsync(query, Cancellation);
        await EnsureOkAsync(response);
        return (await response.Content.ReadFromJsonAsync<ApiPage>(Json, Cancellation))!;
    }

    public static Task<HttpResponseMessage> SendJsonAsync(
        this HttpClient http, HttpMethod method, string path, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = JsonContent.Create(body, options: Json),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return http.SendAsync(request, Cancellation);
    }

    public static Task<HttpResponseMessage> SendRawAsync(
        this HttpClient http, HttpMethod method, string path, string body, string contentType)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return http.SendAsync(request, Cancellation);
    }

    /// <summary>Asserts an RFC 9457 problem with the status and a "field" naming the offending field.</summary>
    public static async Task<JsonElement> AssertProblemAsync(
        HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (field is not null)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        return problem;
    }

    /// <summary>A conversation no other test touches: the members carry a fresh id.</summary>
    public static (string Chat, string Alice, string Bob) NewConversation()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var alice = $"alice-{id}";
        var bob = $"bob-{id}";
        return ($"{alice}:{bob}", alice, bob);
    }

    private static async Task EnsureOkAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.Fail($"Expected 200, got {(int)response.StatusCode}: {body}");
        }
    }
}
