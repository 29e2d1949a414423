using System.Text.Json;

namespace Allixios.N8nBridge.ContractGenerator;

/// <summary>
/// The node's side of the contract (<c>contract/operations.json</c> in the package): which runtime operations the
/// "Allixios" node offers, under which resource and name. Everything about their fields comes from the OpenAPI document.
/// </summary>
public sealed record NodeContract(IReadOnlyList<NodeResource> Resources, IReadOnlyList<NodeOperation> Operations)
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Reads <c>operations.json</c>.</summary>
    /// <exception cref="ContractException">The file is not a valid operation list.</exception>
    public static NodeContract Parse(string json)
    {
        NodeContract? contract;
        try
        {
            contract = JsonSerializer.Deserialize<NodeContract>(json, s_json);
        }
        catch (JsonException ex)
        {
            throw new ContractException($"operations.json is not valid: {ex.Message}");
        }

        if (contract?.Resources is not { Count: > 0 } || contract.Operations is not { Count: > 0 })
        {
            throw new ContractException("operations.json must list at least one resource and one operation.");
        }

        foreach (var operation in contract.Operations)
        {
            if (!contract.Resources.Any(r => r.Value == operation.Resource))
            {
                throw new ContractException($"Operation '{operation.Operation}' names the unknown resource '{operation.Resource}'.");
            }
        }

        return contract;
    }
}

/// <summary>A resource of the node (its "Resource" option).</summary>
public sealed record NodeResource(string Value, string Name);

/// <summary>One operation of the node and the runtime route it calls.</summary>
/// <param name="Resource">The resource value it belongs to.</param>
/// <param name="Operation">The operation value (stable: workflows store it).</param>
/// <param name="Name">The option's name in the editor.</param>
/// <param name="Action">The action text n8n shows in the node picker.</param>
/// <param name="Description">What it does.</param>
/// <param name="Method">The HTTP method, lower case, as in the OpenAPI document.</param>
/// <param name="Path">The route as the OpenAPI document spells it, e.g. <c>/v1/jobs/{jobId}</c>.</param>
public sealed record NodeOperation(string Resource, string Operation, string Name, string Action, string Description, string Method, string Path)
{
    /// <summary>Body properties the node fills itself (e.g. the job type picker); they must exist in the contract.</summary>
    public IReadOnlyList<string> NodeFields { get; init; } = [];

    /// <summary>Optional fields shown on the node itself rather than under "Additional Fields".</summary>
    public IReadOnlyList<string> Primary { get; init; } = [];

    /// <summary>n8n parameter names for fields whose own name is taken by the node (e.g. a body property "resource").</summary>
    public IReadOnlyDictionary<string, string> Rename { get; init; } = new Dictionary<string, string>();

    /// <summary>Editor defaults for JSON fields (as JSON text), e.g. a first chat message.</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; init; } = new Dictionary<string, string>();
}
