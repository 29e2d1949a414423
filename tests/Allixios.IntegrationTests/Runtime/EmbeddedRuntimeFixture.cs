using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>One runtime process on its embedded default, shared by the tests of a class.</summary>
public sealed class EmbeddedRuntimeFixture : IAsyncLifetime
{
    private RuntimeProcess? _runtime;

    public RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async Task InitializeAsync() => _runtime = await RuntimeProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}
