using Xunit;

namespace Allixios.IntegrationTests.N8n;

/// <summary>
/// The end-to-end tests against the rig's n8n share one runtime and one n8n, and run one after another: n8n runs on
/// SQLite, and each `n8n execute` starts a whole n8n process, which is heavy enough on a small machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class N8nGroup : ICollectionFixture<N8nFixture>
{
    public const string Name = "n8n end to end";
}
