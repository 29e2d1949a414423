namespace Allixios.AiRouting.Caching;

/// <summary>Which response cache a routed chat call may be answered from.</summary>
public enum AiCacheMode
{
    /// <summary>No cache: every call goes to a provider.</summary>
    Off,

    /// <summary>The exact cache: a call identical to an earlier one (model or policy, parameters, system prompt, messages, tenant) gets its answer.</summary>
    Exact,

    /// <summary>The exact cache first, then the semantic cache: a call whose last user message is near an earlier one in the same partition gets its answer.</summary>
    Semantic,
}
