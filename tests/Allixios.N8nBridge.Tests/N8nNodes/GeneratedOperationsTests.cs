using Allixios.N8nBridge.ContractGenerator;

namespace Allixios.N8nBridge.Tests.N8nNodes;

/// <summary>The n8n node's generated operations against the checked-in OpenAPI snapshot, and the generator's checks.</summary>
public sealed class GeneratedOperationsTests
{
    private static readonly NodePackage s_package = NodePackage.Find(AppContext.BaseDirectory);

    private const string MinimalDocument = """
        {
          "openapi": "3.0.4",
          "info": { "title": "t", "version": "v1" },
          "paths": {
            "/v1/things/{thingId}": {
              "post": {
                "parameters": [ { "name": "thingId", "in": "path", "required": true, "schema": { "type": "string" } } ],
                "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PostThing" } } } },
                "responses": { "200": { "description": "OK" } }
              }
            }
          },
          "components": {
            "schemas": {
              "PostThing": {
                "type": "object",
                "required": ["name"],
                "properties": {
                  "thingId": { "type": "string" },
                  "name": { "type": "string", "description": "The thing's name." },
                  "mode": { "$ref": "#/components/schemas/Mode" },
                  "tags": { "type": "array", "items": { "type": "string" } },
                  "live": { "type": "boolean", "description": "Turns it on." }
                }
              },
              "Mode": { "type": "string", "enum": ["MODE_UNSPECIFIED", "MODE_FAST", "MODE_SAFE"] },
              "Unused": { "type": "object", "properties": { "x": { "type": "string" } } }
            }
          }
        }
        """;

    private static string Operations(string path = "/v1/things/{thingId}", string extra = "") => $$"""
        {
          "resources": [ { "value": "thing", "name": "Thing" } ],
          "operations": [
            { "resource": "thing", "operation": "post", "name": "Post", "action": "Post a thing", "description": "Posts", "method": "post", "path": "{{path}}"{{extra}} }
          ]
        }
        """;

    [Fact]
    public async Task The_checked_in_operations_file_is_what_the_generator_makes_of_the_snapshot()
    {
        var generated = await OperationsEmitter.GenerateAsync(
            await File.ReadAllTextAsync(s_package.OpenApiSnapshot), await File.ReadAllTextAsync(s_package.Operations));

        var checkedIn = await File.ReadAllTextAsync(s_package.GeneratedOperations);
        Assert.True(checkedIn == generated,
            "nodes/Allixios/generated/operations.ts is stale: run dotnet run --project src/Allixios.N8nBridge.ContractGenerator");
    }

    [Fact]
    public async Task Fields_take_their_type_required_flag_enum_and_description_from_the_document()
    {
        var ts = await OperationsEmitter.GenerateAsync(MinimalDocument, Operations());

        Assert.Contains("name: 'thingId',\n\t\ttype: 'string',\n\t\tdefault: '',\n\t\trequired: true,", ts, StringComparison.Ordinal);
        Assert.Contains("name: 'name',\n\t\ttype: 'string',\n\t\tdefault: '',\n\t\trequired: true,\n\t\tdescription: 'The thing\\'s name',", ts, StringComparison.Ordinal);
        Assert.Contains("name: 'Fast',", ts, StringComparison.Ordinal);
        Assert.DoesNotContain("MODE_UNSPECIFIED", ts, StringComparison.Ordinal);
        Assert.Contains("multipleValues: true", ts, StringComparison.Ordinal);
        Assert.Contains("description: 'Whether: Turns it on',", ts, StringComparison.Ordinal);
        // The path field is bound from the route, so the body's copy of it is not a field of its own.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(ts, "parameter: 'thingId'"));
        Assert.Contains("location: 'path',", ts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operation_on_a_route_the_document_lacks_fails_the_generator_naming_the_route()
    {
        var error = await Assert.ThrowsAsync<ContractException>(() => OperationsEmitter.GenerateAsync(MinimalDocument, Operations("/v1/gone")));

        Assert.Contains("'/v1/gone'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_field_the_node_fills_or_shows_that_the_document_lacks_fails_the_generator()
    {
        var nodeField = await Assert.ThrowsAsync<ContractException>(() =>
            OperationsEmitter.GenerateAsync(MinimalDocument, Operations(extra: """, "nodeFields": ["type"]""")));
        var primary = await Assert.ThrowsAsync<ContractException>(() =>
            OperationsEmitter.GenerateAsync(MinimalDocument, Operations(extra: """, "primary": ["colour"]""")));

        Assert.Contains("'type'", nodeField.Message, StringComparison.Ordinal);
        Assert.Contains("'colour'", primary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_operation_list_is_refused_with_what_is_wrong()
    {
        var error = await Assert.ThrowsAsync<ContractException>(() => OperationsEmitter.GenerateAsync(MinimalDocument, "{\"resources\": []}"));

        Assert.Contains("at least one resource", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_contract_slice_changes_with_a_schema_the_node_uses_and_not_with_one_it_does_not()
    {
        var contract = NodeContract.Parse(Operations());
        var slice = ContractSlice.Extract(MinimalDocument, contract);

        var unusedChanged = MinimalDocument.Replace("\"x\": { \"type\": \"string\" }", "\"x\": { \"type\": \"integer\" }", StringComparison.Ordinal);
        var usedChanged = MinimalDocument.Replace("\"MODE_SAFE\"", "\"MODE_SAFE\", \"MODE_NEW\"", StringComparison.Ordinal);

        Assert.Equal(slice, ContractSlice.Extract(unusedChanged, contract));
        Assert.NotEqual(slice, ContractSlice.Extract(usedChanged, contract));
        Assert.Contains("Mode", slice, StringComparison.Ordinal);
        Assert.DoesNotContain("Unused", slice, StringComparison.Ordinal);
    }
}
