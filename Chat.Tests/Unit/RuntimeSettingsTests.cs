using System.Text.Json.Nodes;
using Chat.Tests.Deployment;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Unit;

/// <summary>
/// The runtime and transport settings the services were measured with (docs/benchmark.md, changes 7 to 9): what the
/// builds put in each service's runtime configuration, and what the shared defaults make of the settings.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("Chat.HttpServer")]
    [InlineData("Chat.RpcServer")]
    public void Each_service_runs_server_GC_without_dynamic_adaptation(string service)
    {
        // The build copies each referenced service's runtime configuration beside the tests.
        var file = Path.Combine(AppContext.BaseDirectory, $"{service}.runtimeconfig.json");

        var properties = JsonNode.Parse(File.ReadAllText(file))!["runtimeOptions"]!["configProperties"]!;

        Assert.True(properties["System.GC.Server"]!.GetValue<bool>());
        Assert.Equal(0, properties["System.GC.DynamicAdaptationMode"]!.GetValue<int>());
    }

    [Fact]
    public void Inline_socket_completions_are_turned_on_unless_the_environment_says_otherwise()
    {
        var before = Environment.GetEnvironmentVariable(SocketCompletions.InlineVariable);
        try
        {
            Environment.SetEnvironmentVariable(SocketCompletions.InlineVariable, null);
            SocketCompletions.PreferInline();
            Assert.Equal("1", Environment.GetEnvironmentVariable(SocketCompletions.InlineVariable));

            Environment.SetEnvironmentVariable(SocketCompletions.InlineVariable, "0");
            SocketCompletions.PreferInline();
            Assert.Equal("0", Environment.GetEnvironmentVariable(SocketCompletions.InlineVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SocketCompletions.InlineVariable, before);
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Kestrel_schedules_inline_only_when_the_settings_say_so(string? setting, bool inline)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        if (setting is not null)
        {
            builder.Configuration.AddInMemoryCollection([new("Sockets:InlineScheduling", setting)]);
        }

        builder.AddSocketScheduling();
        using var host = builder.Build();

        var sockets = host.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        Assert.Equal(inline, sockets.UnsafePreferInlineScheduling);
    }

    [Fact]
    public void The_RPC_server_turns_inline_scheduling_on_and_the_HTTP_server_leaves_it_off()
    {
        bool? Setting(string service) => JsonNode.Parse(
            File.ReadAllText(Path.Combine(RepositoryLayout.Root, service, "appsettings.json")))
            ?["Sockets"]?["InlineScheduling"]?.GetValue<bool>();

        Assert.True(Setting("Chat.RpcServer"));
        Assert.Null(Setting("Chat.HttpServer"));
    }
}
