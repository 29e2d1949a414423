using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>One embedded runtime whose request limit lets a 100 KB query reach the search service's own checks.</summary>
public sealed class SearchRuntimeFixture : IAsyncLifetime
{
    private RuntimeProcess? _runtime;

    public RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async Task InitializeAsync() => _runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
    {
        ["Allixios__Runtime__MaxRequestBodyBytes"] = "1048576",
    });

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}
