using System.Text;

namespace Chat.Tests.Reliability;

/// <summary>The table of hostile requests, by kind. Names are unique; each row is one test case.</summary>
internal static class HostileRequests
{
    private const int BodyLimit = 64 * 1024;
    private static readonly TimeSpan Trickle = TimeSpan.FromMilliseconds(400);

    public static IReadOnlyDictionary<string, HostileRequest> All { get; } =
        BrokenJson().Concat(DeepJson()).Concat(WrongTypes()).Concat(HugeNumbers()).Concat(InvalidUtf8())
            .Concat(ControlCharacters()).Concat(Oversized()).Concat(SlowSenders()).Concat(PathAndQueryTricks())
            .Concat(BrokenFraming())
            .ToDictionary(request => request.Name);

    private static IEnumerable<HostileRequest> BrokenJson()
    {
        string[] bodies =
        [
            "{", "}", "{\"chat\":", "{\"chat\":\"a:b\",}", "[", "{\"chat\":\"a:b\" \"text\":\"x\"}", "{'chat':'a:b'}",
            "{chat:\"a:b\"}", "{} x", "{\"a\":1}{\"b\":2}", "/* c */ {}", "{\"chat\":NaN}",
            "{\"chat\":\"a:b\",\"text\":\"x\",\"sender\":\"a\"", "nul", "tru", "\"a string\"", "123", "null", "[]",
            "{\"chat\":\"a:b\",\"text\":\"unterminated}", "{\"chat\":\"a\\x:b\"}", "{\"chat\":\"\\u12\"}",
            "   ", "\uFEFF{", "{\"chat\":\"a:b\",\"text\":\"x\",\"sender\":\"a\",}",
        ];
        return bodies.Select((body, i) => Problem($"broken json {i}: {Show(body)}", SendJson(body), 400));
    }

    private static IEnumerable<HostileRequest> DeepJson()
    {
        foreach (var depth in new[] { 9, 64, 1000, 20_000 })
        {
            yield return Problem(
                $"nested arrays {depth} deep", SendJson(new string('[', depth) + new string(']', depth)), 400);
        }

        yield return Problem("unclosed arrays 40000 deep", SendJson(new string('[', 40_000)), 400);
        yield return Problem("nested objects 12 deep",
            SendJson(string.Concat(Enumerable.Repeat("{\"a\":", 12)) + "1" + new string('}', 12)), 400);
        yield return Problem("chat field nested 100 deep",
            SendJson("{\"chat\":" + new string('[', 100) + new string(']', 100) + "}"), 400);
    }

    private static IEnumerable<HostileRequest> WrongTypes()
    {
        string[] sends =
        [
            """{"chat":1,"text":"x","sender":"a"}""", """{"chat":["a:b"],"text":"x","sender":"a"}""",
            """{"chat":{"a":"b"},"text":"x","sender":"a"}""", """{"chat":true,"text":"x","sender":"a"}""",
            """{"chat":null,"text":"x","sender":"a"}""", """{"chat":"a:b","text":1,"sender":"a"}""",
            """{"chat":"a:b","text":["x"],"sender":"a"}""", """{"chat":"a:b","text":{},"sender":"a"}""",
            """{"chat":"a:b","text":"x","sender":7}""", """{"chat":"a:b","text":"x","sender":false}""",
            """{"chat":"a:b","text":null,"sender":"a"}""", """{"chat":"a:b","text":"x"}""",
        ];
        string[] pulls =
        [
            """{"chat":"a:b","limit":"10"}""", """{"chat":"a:b","limit":true}""", """{"chat":"a:b","limit":1.5}""",
            """{"chat":"a:b","cursor":"0"}""", """{"chat":"a:b","cursor":-1}""", """{"chat":"a:b","cursor":1e3}""",
            """{"chat":"a:b","reverse":"yes"}""", """{"chat":"a:b","reverse":1}""", """{"chat":"a:b","limit":-1}""",
            """{"chat":5}""",
        ];
        return sends.Select((body, i) => Problem($"wrong type send {i}: {body}", SendJson(body), 400))
            .Concat(pulls.Select((body, i) => Problem($"wrong type pull {i}: {body}", PullJson(body), 400)));
    }

    private static IEnumerable<HostileRequest> HugeNumbers()
    {
        yield return Problem("cursor 20 digits", PullJson("""{"chat":"a:b","cursor":99999999999999999999}"""), 400);
        yield return Problem("limit 1e400", PullJson("""{"chat":"a:b","limit":1e400}"""), 400);
        yield return Problem("cursor 5000 digits",
            PullJson("{\"chat\":\"a:b\",\"cursor\":" + new string('9', 5000) + "}"), 400);
        yield return Problem("limit -20 digits", PullJson("""{"chat":"a:b","limit":-99999999999999999999}"""), 400);
        yield return Problem("query cursor 20 digits", Pull("chat=a:b&cursor=99999999999999999999"), 400);
        yield return Problem("query limit minimum long", Pull("chat=a:b&limit=-9223372036854775808"), 400);
        yield return Problem("query cursor 1e9", Pull("chat=a:b&cursor=1e9"), 400);
        yield return Problem("query cursor hex", Pull("chat=a:b&cursor=0x10"), 400);
        yield return Problem("query limit +-5", Pull("chat=a:b&limit=%2B-5"), 400);
        yield return Problem("query cursor with a space", Pull("chat=a:b&cursor=%201"), 400);
    }

    private static IEnumerable<HostileRequest> InvalidUtf8()
    {
        byte[][] sequences = [[0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF8, 0x88]];
        foreach (var bytes in sequences)
        {
            var hex = Convert.ToHexString(bytes);
            yield return Problem($"invalid utf-8 {hex} in text",
                SendJson(Utf8("{\"chat\":\"a:b\",\"sender\":\"a\",\"text\":\"x"), bytes, Utf8("\"}")), 400);
            yield return Problem($"invalid utf-8 {hex} in chat", SendJson(Utf8("{\"chat\":\"a"), bytes,
                Utf8(":b\",\"sender\":\"a\",\"text\":\"x\"}")), 400);
        }

        yield return Problem("lone high surrogate escape in text",
            SendJson("""{"chat":"a:b","sender":"a","text":"\ud800"}"""), 400);
        yield return Problem("lone low surrogate escape in chat",
            SendJson("""{"chat":"\udc00:b","sender":"b","text":"x"}"""), 400);
        yield return Bare("raw 0xFF in query", Latin1("GET /api/pull?chat=a\xFF:b HTTP/1.1\r\nHost: localhost\r\n\r\n"),
            400);
        yield return Bare("raw 0xFF in path", Latin1("GET /api/\xFF HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400);
        yield return Problem("non-ASCII Idempotency-Key",
            Request("POST", "/api/send", "Content-Type: application/json\r\nIdempotency-Key: \xC3\xA9\r\n",
                Utf8("""{"chat":"a:b","sender":"a","text":"x"}""")), 400);
    }

    private static IEnumerable<HostileRequest> ControlCharacters()
    {
        string[] sends =
        [
            """{"chat":"a\u0000:b","sender":"b","text":"x"}""", """{"chat":"a\u0007:b","sender":"b","text":"x"}""",
            """{"chat":"a:b\n","sender":"a","text":"x"}""", """{"chat":"a\u007f:b","sender":"b","text":"x"}""",
            """{"chat":"a:b","sender":"a","text":"x\u0000y"}""", """{"chat":"a:b","sender":"a","text":"\u001b[2J"}""",
            """{"chat":"a:b","sender":"a","text":"\u0085"}""",
        ];
        foreach (var (body, i) in sends.Select((body, i) => (body, i)))
        {
            yield return Problem($"control character {i}: {body}", SendJson(body), 400);
        }

        yield return Problem("query chat with %00", Pull("chat=a%00:b"), 400);
        yield return Problem("query chat with CR LF", Pull("chat=a%0D%0A:b"), 400);
        yield return Bare("raw CR inside a header value",
            Latin1("GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Note: a\rb\r\n\r\n"), 400);
        yield return Bare(
            "NUL in a header name", Latin1("GET /ping HTTP/1.1\r\nHost: localhost\r\nX-\0: a\r\n\r\n"), 400);
        yield return Problem("tab in Idempotency-Key", SendJson(Valid, "Idempotency-Key: a\tb\r\n"), 400);
        yield return Problem("empty Idempotency-Key", SendJson(Valid, "Idempotency-Key: \r\n"), 400);
        yield return Problem("Idempotency-Key of 129 characters",
            SendJson(Valid, $"Idempotency-Key: {new string('k', 129)}\r\n"), 400);
        yield return Problem("two Idempotency-Keys", SendJson(Valid, "Idempotency-Key: a\r\nIdempotency-Key: b\r\n"),
            400);
    }

    private static IEnumerable<HostileRequest> Oversized()
    {
        yield return Problem("body one byte over the limit",
            SendJson("{\"chat\":\"a:b\",\"sender\":\"a\",\"text\":\"" + new string('x', BodyLimit) + "\"}"), 413);
        yield return Problem("chunked body over the limit", Latin1(
            "POST /api/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + string.Concat(Enumerable.Repeat($"{8192:x}\r\n{new string(' ', 8192)}\r\n", 9)) + "0\r\n\r\n"), 413);
        yield return Problem("Content-Length of 10 MB with a small body",
            Latin1("POST /api/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 10000000\r\nConnection: close\r\n\r\n{}"), 413);
        yield return Bare("one header of 40 KiB", Latin1(
            $"GET /ping HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('h', 40 * 1024)}\r\n\r\n"), 431);
        yield return Bare("150 headers", Latin1("GET /ping HTTP/1.1\r\nHost: localhost\r\n"
            + string.Concat(Enumerable.Range(0, 150).Select(i => $"X-H{i}: v\r\n")) + "\r\n"), 431);
        yield return Bare("request target of 10 KiB",
            Latin1($"GET /api/pull?chat={new string('a', 10 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n"), 414);
        yield return Problem("text of 4097 characters",
            SendJson("{\"chat\":\"a:b\",\"sender\":\"a\",\"text\":\"" + new string('t', 4097) + "\"}"), 400);
        yield return Problem("text of 10000 emoji",
            SendJson("{\"chat\":\"a:b\",\"sender\":\"a\",\"text\":\"" + string.Concat(Enumerable.Repeat("😀", 10_000))
                + "\"}"), 400);
        yield return Problem("member name of 65 characters",
            Pull($"chat={new string('m', 65)}:b"), 400);
        yield return Problem("form with 2000 fields",
            Form(string.Join('&', Enumerable.Range(0, 2000).Select(i => $"f{i}=1"))), 400);
        yield return Problem("form with chat twice", Form("chat=a:b&chat=a:c&sender=a&text=x"), 400);
        yield return Problem("query with chat twice", Pull("chat=a:b&chat=a:c"), 400);
    }

    private static IEnumerable<HostileRequest> SlowSenders()
    {
        yield return new HostileRequest("headers trickled slower than the headers timeout",
            [(TimeSpan.Zero, Latin1("GET /ping HTTP/1.1\r\nHost: localhost\r\n")),
                .. Enumerable.Repeat((Trickle, Latin1("X-Slow: 1\r\n")), 12)], 408, ProblemBody: false);
        yield return new HostileRequest("request line trickled a byte at a time",
            [.. "GET /ping HTTP/1.1".Select(c => (Trickle, Latin1(c.ToString())))], 408, ProblemBody: false);
        yield return new HostileRequest("body trickled below the minimum data rate",
            [(TimeSpan.Zero, Latin1("POST /api/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\nConnection: close\r\n\r\n{")),
                .. Enumerable.Repeat((Trickle, Latin1(" ")), 15)], 408, ProblemBody: true);
    }

    private static IEnumerable<HostileRequest> PathAndQueryTricks()
    {
        yield return Problem("GET on the send route", Request("GET", "/api/send", "", []), 405);
        yield return Problem("DELETE on the send route", Request("DELETE", "/api/send", "", []), 405);
        yield return Problem("POST on ping", Request("POST", "/ping", "", []), 405);
        yield return Problem("dot segments back to send", Request("GET", "/api/../api/send", "", []), 405);
        yield return Problem("upper-case send route", Request("GET", "/API/SEND", "", []), 405);
        yield return Problem("encoded dot segments", Request("GET", "/api/%2e%2e/api/send", "", []), 405);
        yield return Problem("double slashes", Request("GET", "//api//pull", "", []), 404);
        yield return Problem("unknown path", Request("GET", "/admin", "", []), 404);
        yield return Problem("path parameter", Request("GET", "/api/pull;jsessionid=x", "", []), 404);
        yield return Problem("encoded slash in path", Request("GET", "/api%2Fpull?chat=a:b", "", []), 404);
        yield return Problem("pull with a negative limit", Pull("chat=a:b&limit=-1"), 400);
        yield return Problem("pull with three members", Pull("chat=a:b:c"), 400);
        yield return Problem("pull with an empty chat", Pull("chat="), 400);
        yield return Problem("pull with an empty first member", Pull("chat=:b"), 400);
        yield return Problem("pull with only an encoded colon", Pull("chat=%3A"), 400);
        yield return Problem("pull without chat", Pull(""), 400);
        yield return Problem("pull with a bad reverse", Pull("chat=a:b&reverse=maybe"), 400);
        yield return Problem("pull with chat as an array name", Pull("chat[]=a:b"), 400);
        yield return Bare("absolute-form target for another host",
            Request("GET", "http://elsewhere.example/api/pull?chat=a:b:c", "", []), 400);
        yield return Bare("asterisk-form target on GET", Latin1("GET * HTTP/1.1\r\nHost: localhost\r\n\r\n"), 405);
        yield return Bare("missing Host", Latin1("GET /ping HTTP/1.1\r\n\r\n"), 400);
        yield return Bare("two Host headers", Latin1("GET /ping HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
        yield return Bare("Host with a space", Latin1("GET /ping HTTP/1.1\r\nHost: a b\r\n\r\n"), 400);
        yield return Bare("space inside the method", Latin1("GE T /ping HTTP/1.1\r\nHost: localhost\r\n\r\n"), 400);
        yield return Problem("control character in the target",
            Latin1("GET /pi\x01ng HTTP/1.1\r\nHost: localhost\r\n\r\n"), 404);
    }

    private static IEnumerable<HostileRequest> BrokenFraming()
    {
        yield return Problem("chunk size that is not hex", Latin1(
            "POST /api/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"), 400);
        yield return Bare("negative Content-Length",
            Latin1("POST /api/send HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n"), 400);
        yield return Bare("Content-Length that is not a number",
            Latin1("POST /api/send HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n"), 400);
        yield return Bare("final transfer coding not chunked",
            Latin1("POST /api/send HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n"), 400);
        yield return Problem("plain text body", Request("POST", "/api/send", "Content-Type: text/plain\r\n",
            Utf8("chat=a:b")), 400);
        yield return Problem("UTF-16 JSON body", Request("POST", "/api/send",
            "Content-Type: application/json; charset=utf-16\r\n", Encoding.Unicode.GetBytes(Valid)), 400);
        yield return Problem("multipart body without its boundary", Request("POST", "/api/send",
            "Content-Type: multipart/form-data; boundary=zz\r\n", Utf8("--yy\r\nbroken")), 400);
        yield return Problem("JSON on GET pull with trailing garbage", PullJson("""{"chat":"a:b"} junk"""), 400);
    }

    private const string Valid = """{"chat":"a:b","sender":"a","text":"x"}""";

    private static HostileRequest Problem(string name, byte[] request, int status) =>
        new(name, [(TimeSpan.Zero, request)], status, ProblemBody: true);

    private static HostileRequest Bare(string name, byte[] request, int status) =>
        new(name, [(TimeSpan.Zero, request)], status, ProblemBody: false);

    private static byte[] SendJson(string json, string headers = "") =>
        Request("POST", "/api/send", "Content-Type: application/json\r\n" + headers, Utf8(json));

    private static byte[] SendJson(params byte[][] body) =>
        Request("POST", "/api/send", "Content-Type: application/json\r\n", [.. body.SelectMany(part => part)]);

    private static byte[] PullJson(string json) =>
        Request("GET", "/api/pull", "Content-Type: application/json\r\n", Utf8(json));

    private static byte[] Pull(string query) => Request("GET", "/api/pull?" + query, "", []);

    private static byte[] Form(string body) =>
        Request("POST", "/api/send", "Content-Type: application/x-www-form-urlencoded\r\n", Utf8(body));

    private static byte[] Request(string method, string target, string headers, byte[] body) =>
        [.. Latin1($"{method} {target} HTTP/1.1\r\nHost: localhost\r\n{headers}Content-Length: {body.Length}\r\n"
            + "Connection: close\r\n\r\n"), .. body];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>One byte per character, so that a test can write any byte, valid UTF-8 or not.</summary>
    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static string Show(string body) => body.Length > 40 ? body[..40] + "…" : body;
}
