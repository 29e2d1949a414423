namespace Allixios.Tenancy;

/// <summary>What is needed to issue an API key.</summary>
/// <param name="Name">A name for people, 1 to 100 characters, e.g. <c>n8n production</c>.</param>
/// <param name="Scopes">What the key may do (see <see cref="ApiScopes"/>); at least one.</param>
/// <param name="ExpiresAt">When the key stops working; <see langword="null"/> for never.</param>
public sealed record NewApiKey(string Name, IReadOnlyCollection<string> Scopes, DateTimeOffset? ExpiresAt = null);
