using System.Text;
using Allixios.AiRouting;
using Xunit;

namespace Allixios.Sdk.Tests.AiRouting;

public sealed class AiModelPriceTableTests
{
    [Fact]
    public void Reads_rows_in_litellm_schema_and_skips_its_sample_spec()
    {
        const string table = """
            {
              "sample_spec": {"max_tokens": "LEGACY parameter", "input_cost_per_token": 0.0, "litellm_provider": "one of https://docs.litellm.ai/docs/providers", "mode": "one of chat, embedding"},
              "mistral/mistral-small": {"max_tokens": 8191.0, "max_input_tokens": 32000, "max_output_tokens": 8191, "input_cost_per_token": 1e-06, "output_cost_per_token": 3e-06, "litellm_provider": "mistral", "mode": "chat", "supports_function_calling": true, "supports_assistant_prefill": true},
              "voyage/voyage-3": {"max_tokens": 32000, "max_input_tokens": 32000, "input_cost_per_token": 6e-08, "output_cost_per_token": 0.0, "litellm_provider": "voyage", "mode": "embedding"}
            }
            """;

        var models = AiModelPriceTable.Parse(new MemoryStream(Encoding.UTF8.GetBytes(table)), "test.json");

        Assert.Equal(2, models.Count);
        var mistral = models["mistral/mistral-small"];
        Assert.Equal(32000, mistral.ContextWindow);
        Assert.Equal(8191, mistral.MaxOutputTokens);
        Assert.Equal(1e-06m, mistral.InputCostPerToken);
        Assert.Equal(1e-06m, mistral.CachedInputCostPerToken);
        Assert.Equal(AiCapabilities.Chat | AiCapabilities.Tools, mistral.Capabilities);
        Assert.Equal("mistral", mistral.ProviderFamily);
        Assert.Equal(50, mistral.QualityPrior);
        Assert.Equal(AiCapabilities.Embeddings, models["voyage/voyage-3"].Capabilities);
    }

    [Fact]
    public void The_shipped_table_prices_cached_input_below_input()
    {
        var models = AiModelPriceTable.LoadDefault();

        var gpt = models["gpt-4o-mini"];
        Assert.Equal(1.5e-07m, gpt.InputCostPerToken);
        Assert.Equal(7.5e-08m, gpt.CachedInputCostPerToken);
        Assert.True(gpt.Capabilities.HasFlag(AiCapabilities.JsonMode | AiCapabilities.Vision | AiCapabilities.Tools));
        Assert.Equal(200_000, models["claude-sonnet-4-20250514"].ContextWindow);
    }

    [Fact]
    public void A_bad_field_is_an_error_naming_the_row_and_the_field()
    {
        var error = Assert.Throws<AllixiosException>(() => AiModelPriceTable.Parse(new MemoryStream("""{"m": {"input_cost_per_token": "cheap"}}"""u8.ToArray()), "prices.json"));

        Assert.Equal("invalid_price_table", error.Reason);
        Assert.Contains("prices.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("m a input_cost_per_token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_overrides_a_table_row_and_can_add_a_model()
    {
        var options = new AiRoutingOptions();
        options.Models["gpt-4o-mini"] = new AiModelOverride { QualityPrior = 75, InputCostPerToken = 1e-07m };
        options.Models["llama3.1:8b"] = new AiModelOverride { ContextWindow = 131_072, QualityPrior = 55 };
        options.Providers["ollama"] = new AiProviderOptions { BaseAddress = new Uri("http://localhost:11434/v1/") };
        options.Deployments.Add(new AiDeploymentOptions { Id = "local", Provider = "ollama", Model = "llama3.1:8b" });

        var catalog = new AiModelCatalog(options);

        Assert.Equal(75, catalog.Models["gpt-4o-mini"].QualityPrior);
        Assert.Equal(1e-07m, catalog.Models["gpt-4o-mini"].InputCostPerToken);
        Assert.Equal(6e-07m, catalog.Models["gpt-4o-mini"].OutputCostPerToken);
        Assert.Equal(0m, catalog.Models["llama3.1:8b"].InputCostPerToken);
        Assert.Equal("llama3.1:8b", Assert.Single(catalog.Deployments).UpstreamModel);
    }

    [Fact]
    public void A_deployment_of_a_model_no_table_describes_is_refused_naming_it()
    {
        var options = new AiRoutingOptions();
        options.Providers["p"] = new AiProviderOptions { BaseAddress = new Uri("http://localhost/v1/") };
        options.Deployments.Add(new AiDeploymentOptions { Id = "x", Provider = "p", Model = "mystery-model" });

        var error = Assert.Throws<AllixiosException>(() => new AiModelCatalog(options));

        Assert.Equal("unknown_model", error.Reason);
        Assert.Contains("'mystery-model'", error.Message, StringComparison.Ordinal);
    }
}
