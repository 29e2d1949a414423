namespace Allixios.AiRouting;

/// <summary>The wire protocol a provider speaks.</summary>
public enum AiProviderKind
{
    /// <summary>OpenAI's chat-completions and embeddings API, also spoken by Azure OpenAI, Ollama, vLLM, OpenRouter and LM Studio.</summary>
    OpenAi,

    /// <summary>Anthropic's Messages API.</summary>
    Anthropic,
}
