using System.ComponentModel.DataAnnotations;

namespace Allixios.AiRouting;

/// <summary>One provider endpoint: the protocol it speaks, where it is, and its key.</summary>
public sealed class AiProviderOptions
{
    /// <summary>The protocol. Default: <see cref="AiProviderKind.OpenAi"/>.</summary>
    public AiProviderKind Kind { get; set; } = AiProviderKind.OpenAi;

    /// <summary>
    /// The API's base address, up to and including the version segment: <c>https://api.openai.com/v1/</c>,
    /// <c>https://api.anthropic.com/v1/</c>, <c>http://localhost:11434/v1/</c> (Ollama). Required.
    /// </summary>
    [Required]
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key: sent as a bearer token to OpenAI-compatible APIs and as <c>x-api-key</c> to Anthropic. Optional for local servers.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The <c>anthropic-version</c> header sent to Anthropic. Default: <c>2023-06-01</c>.</summary>
    [Required]
    public string AnthropicVersion { get; set; } = "2023-06-01";
}
