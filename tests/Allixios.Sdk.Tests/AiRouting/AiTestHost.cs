using Allixios.AiRouting;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Server;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>The router as an app gets it from DI, pointed at WireMock servers that speak the providers' wire formats.</summary>
internal static class AiTestHost
{
    public static ServiceProvider Build(Action<AiRoutingOptions> configure, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddAllixios().AddAiRouting(configure);
        return services.BuildServiceProvider();
    }

    public static void OpenAi(this AiRoutingOptions options, string name, WireMockServer server) =>
        options.Providers[name] = new AiProviderOptions { Kind = AiProviderKind.OpenAi, BaseAddress = new Uri(server.Url + "/v1/"), ApiKey = "sk-test" };

    public static void Anthropic(this AiRoutingOptions options, string name, WireMockServer server) =>
        options.Providers[name] = new AiProviderOptions { Kind = AiProviderKind.Anthropic, BaseAddress = new Uri(server.Url + "/v1/"), ApiKey = "sk-ant-test" };

    public static void Deploy(this AiRoutingOptions options, string id, string provider, string model, int weight = 1) =>
        options.Deployments.Add(new AiDeploymentOptions { Id = id, Provider = provider, Model = model, Weight = weight });
}
