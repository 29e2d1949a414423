namespace Allixios.Runtime.Hosting;

/// <summary>
/// Job types an operator declares in configuration, <c>Allixios:Orchestration:JobTypes:&lt;name&gt;</c>, with the JSON
/// Schema of their payloads as <c>Schema</c> (the schema's JSON text) or <c>SchemaFile</c> (a path to it). <c>Name</c>
/// overrides the key as the type's name, for environment variables, whose names cannot hold a dot in most shells. The runtime
/// accepts jobs of these types but runs none of them: it has no handler for them, so they stay <c>available</c> for an
/// external worker.
/// </summary>
internal static class ConfiguredJobTypes
{
    public const string SectionName = "Allixios:Orchestration:JobTypes";

    /// <summary>Registers every declared type; a declaration with both or an unreadable schema file stops the start with a message naming it.</summary>
    public static void AddTo(IAllixiosBuilder allixios, IConfiguration configuration)
    {
        foreach (var declaration in configuration.GetSection(SectionName).GetChildren())
        {
            var inline = declaration["Schema"];
            var file = declaration["SchemaFile"];
            if (!string.IsNullOrWhiteSpace(inline) && !string.IsNullOrWhiteSpace(file))
            {
                throw new InvalidOperationException($"{declaration.Path} has both Schema and SchemaFile: give the schema one way.");
            }

            var schema = string.IsNullOrWhiteSpace(file) ? inline : ReadSchemaFile(declaration.Path, file);
            try
            {
                allixios.AddJobType(declaration["Name"] is { Length: > 0 } name ? name : declaration.Key, string.IsNullOrWhiteSpace(schema) ? null : schema);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"{declaration.Path} does not declare a usable job type: {e.Message}", e);
            }
        }
    }

    /// <summary>Whether the configuration declares a type named <paramref name="jobType"/>.</summary>
    public static bool Declares(IConfiguration configuration, string jobType) =>
        configuration.GetSection(SectionName).GetChildren().Any(d => (d["Name"] is { Length: > 0 } name ? name : d.Key) == jobType);

    private static string ReadSchemaFile(string path, string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{path}:SchemaFile '{file}' cannot be read: {e.Message}", e);
        }
    }
}
