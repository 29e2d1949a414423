namespace Allixios.Tenancy;

/// <summary>A newly issued key with its secret. The secret is shown this once: only its hash is stored.</summary>
/// <param name="Key">The stored key.</param>
/// <param name="Secret">The secret to present as <c>Authorization: Bearer …</c> or <c>X-Api-Key</c>.</param>
public sealed record IssuedApiKey(ApiKey Key, string Secret);
