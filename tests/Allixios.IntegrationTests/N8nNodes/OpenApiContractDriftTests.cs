using Allixios.IntegrationTests.Runtime;
using Allixios.N8nBridge.ContractGenerator;
using Xunit;

namespace Allixios.IntegrationTests.N8nNodes;

/// <summary>
/// The n8n node's operations are generated from a snapshot of the runtime's OpenAPI document; this test fails when the
/// runtime's served document disagrees with the snapshot on anything the node uses, until the snapshot and the node
/// are regenerated (see the node package's README).
/// </summary>
public sealed class OpenApiContractDriftTests(EmbeddedRuntimeFixture fixture) : IClassFixture<EmbeddedRuntimeFixture>
{
    [Fact]
    public async Task The_served_openapi_document_matches_the_node_snapshot_for_every_operation_the_node_uses()
    {
        var package = NodePackage.Find(AppContext.BaseDirectory);
        var contract = NodeContract.Parse(await File.ReadAllTextAsync(package.Operations));
        var served = await fixture.Runtime.Http.GetStringAsync("/openapi/v1.json");

        var expected = ContractSlice.Extract(await File.ReadAllTextAsync(package.OpenApiSnapshot), contract);
        var actual = ContractSlice.Extract(served, contract);

        Assert.True(expected == actual,
            "The runtime's OpenAPI document changed for operations the n8n node uses. Regenerate: start the runtime and run " +
            "dotnet run --project src/Allixios.N8nBridge.ContractGenerator -- --from-url http://127.0.0.1:5080/openapi/v1.json");
    }
}
