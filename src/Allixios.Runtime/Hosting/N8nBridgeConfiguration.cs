using Allixios.N8nBridge;
using Allixios.N8nBridge.Analysis;
using Allixios.N8nBridge.Versioning;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Allixios.Runtime.Hosting;

/// <summary>
/// The bridge to the runtime's n8n, from the <c>N8n</c> section: the client when both <c>N8n:BaseAddress</c> and
/// <c>N8n:ApiKey</c> are set (validated at start), version control and execution analysis (<c>N8n:Analysis</c>) always,
/// so that an unconfigured runtime can say what to configure instead of failing to start.
/// </summary>
internal static class N8nBridgeConfiguration
{
    public const string SectionName = "N8n";

    public static void AddTo(IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var configured = section["BaseAddress"] is { Length: > 0 } && section["ApiKey"] is { Length: > 0 };
        if (configured)
        {
            services.AddN8nClient(o => section.Bind(o));
        }

        services.AddN8nWorkflowManagement(o => section.GetSection("Analysis").Bind(o));
        if (!configured)
        {
            // Version control needs the client. Left registered, it would fail the container's validation at start
            // (on in the Development environment, which `dotnet run` uses), instead of the routes answering 412.
            services.RemoveAll<WorkflowVersionControl>();
        }
    }

    /// <summary>What is missing, for the 412 of an unconfigured runtime.</summary>
    public static string MissingSettings(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var missing = new List<string>();
        if (section["BaseAddress"] is not { Length: > 0 })
        {
            missing.Add("N8n:BaseAddress (n8n's address, e.g. http://localhost:5678; environment variable N8n__BaseAddress)");
        }

        if (section["ApiKey"] is not { Length: > 0 })
        {
            missing.Add("N8n:ApiKey (an n8n API key: Settings → n8n API in n8n; environment variable N8n__ApiKey)");
        }

        return $"n8n is not configured for this runtime: set {string.Join(" and ", missing)}, then restart it.";
    }

    /// <summary>Whether the client is registered.</summary>
    public static bool IsConfigured(IServiceProvider services) => services.GetService<IN8nClient>() is not null;

    internal static ExecutionAnalyzer Analyzer(IServiceProvider services) => services.GetRequiredService<ExecutionAnalyzer>();
}
