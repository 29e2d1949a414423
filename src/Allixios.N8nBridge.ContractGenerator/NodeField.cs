namespace Allixios.N8nBridge.ContractGenerator;

/// <summary>Where a field travels in the request.</summary>
public enum FieldLocation
{
    /// <summary>A path placeholder.</summary>
    Path,

    /// <summary>A query parameter.</summary>
    Query,

    /// <summary>A property of the JSON body.</summary>
    Body,
}

/// <summary>The n8n parameter kind of a field, from its JSON Schema type.</summary>
public enum FieldKind
{
    /// <summary>A string.</summary>
    Text,

    /// <summary>An integer or a number.</summary>
    Number,

    /// <summary>A boolean.</summary>
    Boolean,

    /// <summary>One of an enumeration's values.</summary>
    Options,

    /// <summary>A list of strings.</summary>
    StringList,

    /// <summary>Anything else (objects, lists of objects, any JSON value), entered as JSON.</summary>
    Json,

    /// <summary>A string in date-time format.</summary>
    DateTime,
}

/// <summary>One field of an operation, resolved from the OpenAPI document.</summary>
/// <param name="Parameter">The n8n parameter name.</param>
/// <param name="Key">The name on the wire.</param>
/// <param name="Location">Path, query or body.</param>
/// <param name="Kind">How it is entered and sent.</param>
/// <param name="Required">Whether the contract requires it (path parameters, schema <c>required</c>).</param>
/// <param name="TopLevel">Whether it is a parameter of the node itself (required or primary) rather than an additional field.</param>
/// <param name="DisplayName">The label in the editor.</param>
/// <param name="Description">The contract's description of it, as n8n shows it.</param>
/// <param name="Options">The enumeration's values, for <see cref="FieldKind.Options"/>.</param>
/// <param name="JsonDefault">The editor default for <see cref="FieldKind.Json"/>, as JSON text.</param>
public sealed record NodeField(
    string Parameter,
    string Key,
    FieldLocation Location,
    FieldKind Kind,
    bool Required,
    bool TopLevel,
    string DisplayName,
    string Description,
    IReadOnlyList<string> Options,
    string JsonDefault);

/// <summary>An operation of the node with its fields.</summary>
public sealed record ResolvedOperation(NodeOperation Spec, IReadOnlyList<NodeField> Fields);
