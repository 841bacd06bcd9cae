using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every chat service shares: OpenTelemetry to OTLP, service discovery, resilient HTTP clients, Kestrel's limits,
/// a shutdown that turns readiness off before it stops serving, and the /health and /alive endpoints that
/// orchestrators probe.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    /// <summary>Meters and activity sources of the chat services ("Chat.HttpServer", "Chat.RpcServer").</summary>
    private const string ChatTelemetry = "Chat.*";

    /// <summary>The tag of the checks that /alive runs: the process's own, never its dependencies.</summary>
    public const string LiveTag = "live";

    private const string ShutdownCheck = "shutdown";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddServerLimits();
        builder.AddSocketScheduling();
        builder.AddGracefulShutdown();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(ChatTelemetry))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(ChatTelemetry)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                    aspNetCore.Filter = context => !IsProbe(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation());

        // The app host (and a cluster's collector) sets this; without it telemetry stays in the process.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Kestrel's limits from the "ServerLimits" section (<see cref="ServerLimits"/>).</summary>
    public static TBuilder AddServerLimits<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ServerLimits>()
            .BindConfiguration(ServerLimits.SectionName)
            .Validate(o => o.MaxRequestHeadersTotalSize > 0 && o.MaxRequestHeaderCount > 0 && o.MaxRequestLineSize > 0,
                "Header and request line sizes must be positive.")
            .Validate(o => o.MaxConcurrentConnections > 0 && o.Http2MaxStreamsPerConnection > 0,
                "MaxConcurrentConnections and Http2MaxStreamsPerConnection must be positive.")
            .ValidateOnStart();

        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<ServerLimits>>((kestrel, options) =>
        {
            var limits = options.Value;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineSize;
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            kestrel.Limits.MinRequestBodyDataRate =
                new MinDataRate(limits.MinRequestBodyBytesPerSecond, limits.MinDataRateGracePeriod);
            kestrel.Limits.MinResponseDataRate =
                new MinDataRate(limits.MinResponseBytesPerSecond, limits.MinDataRateGracePeriod);
            kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
            kestrel.Limits.Http2.MaxStreamsPerConnection = limits.Http2MaxStreamsPerConnection;
        });

        return builder;
    }

    /// <summary>
    /// Whether Kestrel processes what a connection reads on the socket thread that read it, instead of handing it to
    /// the thread pool: "Sockets:InlineScheduling", off unless a service's settings turn it on. It pays where a
    /// service has few connections carrying many short requests that never block (the RPC server). With many client
    /// connections, as the HTTP server has, it halved the throughput in the benchmark (docs/benchmark.md), since the
    /// socket threads then do all the work. See <see cref="SocketCompletions"/>, without which the socket threads
    /// hand over every completion anyway.
    /// </summary>
    public static TBuilder AddSocketScheduling<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.Configure<SocketTransportOptions>(sockets =>
            sockets.UnsafePreferInlineScheduling = builder.Configuration.GetValue("Sockets:InlineScheduling", false));

        return builder;
    }

    /// <summary>
    /// On SIGTERM: /health fails at once, serving goes on for the drain delay, then Kestrel stops and lets the
    /// requests in flight finish, all within the shutdown timeout (<see cref="ShutdownOptions"/>).
    /// </summary>
    public static TBuilder AddGracefulShutdown<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ShutdownOptions>()
            .BindConfiguration(ShutdownOptions.SectionName)
            .Validate(o => o.DrainDelay >= TimeSpan.Zero && o.DrainDelay < o.Timeout,
                "DrainDelay must be zero or more and shorter than Timeout.")
            .ValidateOnStart();
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>(
            (host, shutdown) => host.ShutdownTimeout = shutdown.Value.Timeout);

        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ShutdownDrain>());
        builder.Services.AddHealthChecks().AddCheck<ShutdownDrain>(ShutdownCheck);
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    /// <summary>
    /// /health: ready, every check passes (dependencies included). /alive: the process runs. Both are mapped in every
    /// environment because a cluster's probes need them in production too; they reveal nothing but a status word.
    /// No rate limit applies to them: an orchestrator's probes must never be refused.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath).DisableRateLimiting();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) })
            .DisableRateLimiting();
        return app;
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath);
}
