using System.Collections.Frozen;
using NJsonSchema;

namespace Allixios.Orchestration;

/// <summary>The registered job types and their parsed payload schemas.</summary>
public sealed class JobTypeRegistry
{
    private readonly FrozenDictionary<string, (JobTypeRegistration Registration, Lazy<Task<JsonSchema?>> Schema)> _types;

    /// <summary>A registry of <paramref name="registrations"/>; a later registration of a name replaces an earlier one.</summary>
    public JobTypeRegistry(IEnumerable<JobTypeRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var types = new Dictionary<string, JobTypeRegistration>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            types[registration.Name] = registration;
        }

        _types = types.ToFrozenDictionary(
            t => t.Key,
            t => (t.Value, new Lazy<Task<JsonSchema?>>(() => ParseAsync(t.Value))),
            StringComparer.Ordinal);
    }

    /// <summary>The names of every registered type, in ordinal order.</summary>
    public IReadOnlyList<string> Names => _types.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The registration of <paramref name="name"/>, or <see langword="null"/>.</summary>
    public JobTypeRegistration? Find(string name) => _types.TryGetValue(name, out var type) ? type.Registration : null;

    /// <summary>The parsed schema of a registered type, or <see langword="null"/> when it has none.</summary>
    internal Task<JsonSchema?> GetSchemaAsync(string name) => _types[name].Schema.Value;

    private static async Task<JsonSchema?> ParseAsync(JobTypeRegistration registration)
    {
        if (registration.PayloadSchema is null)
        {
            return null;
        }

        try
        {
            return await JsonSchema.FromJsonAsync(registration.PayloadSchema);
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidOperationException($"The payload schema registered for job type '{registration.Name}' is not a valid JSON Schema: {e.Message}", e);
        }
    }
}
