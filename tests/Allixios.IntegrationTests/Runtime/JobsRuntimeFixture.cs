using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>
/// One embedded runtime with job types declared as an operator would, by environment variables: <c>content.generate</c>
/// with an inline schema, and <c>image.render</c> (a key without a dot plus <c>Name</c>) with its schema in a file.
/// </summary>
public sealed class JobsRuntimeFixture : IAsyncLifetime
{
    public const string GenerateSchema = """{"type":"object","required":["topic"],"properties":{"topic":{"type":"string","minLength":1},"words":{"type":"integer","minimum":1}}}""";

    private readonly string _schemaFile = Path.Combine(Path.GetTempPath(), $"allixios-image-render-{Guid.NewGuid():N}.json");
    private RuntimeProcess? _runtime;

    public RuntimeProcess Runtime => _runtime ?? throw new InvalidOperationException("The runtime has not started.");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(_schemaFile, """{"type":"object","required":["width"],"properties":{"width":{"type":"integer","maximum":4096}}}""");
        _runtime = await RuntimeProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Allixios__Orchestration__JobTypes__content.generate__Schema"] = GenerateSchema,
            ["Allixios__Orchestration__JobTypes__render__Name"] = "image.render",
            ["Allixios__Orchestration__JobTypes__render__SchemaFile"] = _schemaFile,
        });
    }

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }

        File.Delete(_schemaFile);
    }
}
