namespace Chat.AppHost.Redis;

/// <summary>
/// In publish mode AddRedis starts the container as <c>/bin/sh -c "redis-server ..."</c>. Arguments added after that
/// pair reach the shell as positional parameters, never redis-server, so options must join the command string itself.
/// </summary>
internal static class RedisShellCommand
{
    private const string ShellCommandFlag = "-c";

    public static void Append(IList<object> args, IReadOnlyList<string> options)
    {
        var flag = args.IndexOf(ShellCommandFlag);
        if (flag < 0 || flag + 1 >= args.Count || args[flag + 1] is not string command
            || !command.StartsWith("redis-server", StringComparison.Ordinal))
        {
            throw new DistributedApplicationException(
                "The Redis container no longer starts as `/bin/sh -c \"redis-server ...\"`; " +
                $"cannot add {string.Join(' ', options)} to its command.");
        }

        args[flag + 1] = $"{command} {string.Join(' ', options)}";
    }
}
