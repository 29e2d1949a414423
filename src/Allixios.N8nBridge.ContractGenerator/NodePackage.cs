namespace Allixios.N8nBridge.ContractGenerator;

/// <summary>Where the generator's inputs and output live in the node package.</summary>
public sealed record NodePackage(string Directory)
{
    /// <summary>The package's folder within the repository.</summary>
    public const string RepositoryPath = "src/Allixios.N8nBridge/n8n-nodes-allixios";

    /// <summary>The snapshot of the runtime's OpenAPI document.</summary>
    public string OpenApiSnapshot => Path.Combine(Directory, "contract", "openapi.json");

    /// <summary>The node's operation list.</summary>
    public string Operations => Path.Combine(Directory, "contract", "operations.json");

    /// <summary>The generated TypeScript file.</summary>
    public string GeneratedOperations => Path.Combine(Directory, "nodes", "Allixios", "generated", "operations.ts");

    /// <summary>The package of the repository that holds <paramref name="start"/> (a folder at or below its root).</summary>
    /// <exception cref="DirectoryNotFoundException">No folder above holds the package.</exception>
    public static NodePackage Find(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, RepositoryPath);
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return new NodePackage(candidate);
            }
        }

        throw new DirectoryNotFoundException($"No folder at or above '{start}' holds {RepositoryPath}; run from within the repository or pass --package.");
    }
}
