namespace Chat.Tests.Reliability;

/// <summary>
/// One malformed or abusive request: the bytes written (each part after its pause), the status it must get, and
/// whether the answer carries a problem body. Requests that Kestrel refuses before any application code runs (a
/// request line or headers it cannot parse, headers too large, a client too slow to send them) get its bare answer:
/// no request exists yet for the application to answer, and Kestrel closes the connection after a status line.
/// </summary>
internal sealed record HostileRequest(
    string Name, IReadOnlyList<(TimeSpan Pause, byte[] Bytes)> Parts, int Status, bool ProblemBody);
