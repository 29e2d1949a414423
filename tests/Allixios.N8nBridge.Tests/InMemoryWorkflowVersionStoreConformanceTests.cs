using Allixios.N8nBridge.Versioning;
using Allixios.Testing.N8nBridge;

namespace Allixios.N8nBridge.Tests;

public sealed class InMemoryWorkflowVersionStoreConformanceTests : WorkflowVersionStoreConformance
{
    protected override Task<IWorkflowVersionStore> CreateStoreAsync() => Task.FromResult<IWorkflowVersionStore>(new InMemoryWorkflowVersionStore());
}
