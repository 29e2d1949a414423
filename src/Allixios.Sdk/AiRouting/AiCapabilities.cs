namespace Allixios.AiRouting;

/// <summary>What a model can do; a request names the ones it needs and the router only picks models that have them all.</summary>
[Flags]
public enum AiCapabilities
{
    /// <summary>Nothing beyond being listed.</summary>
    None = 0,

    /// <summary>Chat completions.</summary>
    Chat = 1,

    /// <summary>A JSON-only response format (JSON mode or a response schema).</summary>
    JsonMode = 2,

    /// <summary>Function (tool) calling.</summary>
    Tools = 4,

    /// <summary>Image input.</summary>
    Vision = 8,

    /// <summary>Embeddings.</summary>
    Embeddings = 16,
}
