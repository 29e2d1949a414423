using Allixios.AiRouting;
using Microsoft.Extensions.AI;
using Xunit;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>Calls the router cannot serve fail before any provider is called, with an error that says what to fix.</summary>
public sealed class AiRouterBadInputTests
{
    private readonly AiRouterPolicyTests _fixture = new();

    [Fact]
    public async Task An_unknown_model_is_an_invalid_argument_that_lists_the_known_ones()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => _fixture.Router().GetResponseAsync("Hi", new ChatOptions { ModelId = "gpt-17" }));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("unknown_model", error.Reason);
        Assert.Contains("'gpt-17'", error.Message, StringComparison.Ordinal);
        Assert.Contains("medium", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_messages_is_an_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => _fixture.Router().GetResponseAsync([]));

        Assert.Equal("empty_messages", error.Reason);
        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public async Task Max_output_tokens_above_every_models_limit_names_the_limits()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => _fixture.Router().GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 2_000_000 }));

        Assert.Equal(AllixiosErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("context_window_exceeded", error.Reason);
        Assert.Contains("1000000 tokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("lower MaxOutputTokens", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_model_whose_window_cannot_hold_the_prompt_is_an_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => _fixture.Router().GetResponseAsync(new string('x', 4 * 130_000), new ChatOptions { ModelId = "small" }));

        Assert.Equal("context_window_exceeded", error.Reason);
        Assert.Contains("'small'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Zero_or_negative_max_output_tokens_is_an_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => _fixture.Router().GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 0 }));

        Assert.Equal("invalid_max_output_tokens", error.Reason);
    }

    [Fact]
    public async Task Tools_no_deployment_passes_through_are_refused_rather_than_dropped()
    {
        var tool = AIFunctionFactory.Create(() => "sunny", "weather");

        var error = await Assert.ThrowsAsync<AllixiosException>(() => _fixture.Router().GetResponseAsync("Weather?", new ChatOptions { Tools = [tool] }));

        Assert.Equal("no_capable_deployment", error.Reason);
        Assert.Contains("Tools", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quality_floor_no_model_meets_is_a_failed_precondition()
    {
        var error = await Assert.ThrowsAsync<AllixiosException>(() => _fixture.Router(o => o.DefaultPolicy.QualityFloor = 95).GetResponseAsync("Hi"));

        Assert.Equal(AllixiosErrorKind.FailedPrecondition, error.Kind);
        Assert.Equal("quality_floor_unmet", error.Reason);
    }

    [Fact]
    public void A_fallback_to_a_model_no_deployment_serves_is_refused_at_start()
    {
        var error = Assert.Throws<AllixiosException>(() => _fixture.Router(o => o.DefaultPolicy.Fallbacks.Add("nope")));

        Assert.Equal("unknown_fallback_model", error.Reason);
    }

    [Fact]
    public void Options_that_name_a_missing_provider_or_repeat_an_id_fail_validation()
    {
        var options = new AiRoutingOptions();
        options.Deployments.Add(new AiDeploymentOptions { Id = "a", Provider = "missing", Model = "gpt-4o" });
        options.Deployments.Add(new AiDeploymentOptions { Id = "a", Provider = "missing", Model = "gpt-4o" });

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.Contains("used twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e!.Contains("'missing'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_provider_key_with_a_line_break_fails_validation_and_is_never_sent()
    {
        var options = new AiRoutingOptions();
        options.Providers["pasted"] = new AiProviderOptions { Kind = AiProviderKind.OpenAi, BaseAddress = new Uri("http://127.0.0.1:9/v1/"), ApiKey = "sk-test\r\nX-Injected: yes" };
        options.Providers["clean"] = new AiProviderOptions { Kind = AiProviderKind.Anthropic, BaseAddress = new Uri("http://127.0.0.1:9/v1/"), ApiKey = "sk-ant-test" };

        var errors = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        var error = Assert.Single(errors);
        Assert.Contains("'pasted'", error, StringComparison.Ordinal);
        Assert.Contains("control character", error, StringComparison.Ordinal);
    }
}
