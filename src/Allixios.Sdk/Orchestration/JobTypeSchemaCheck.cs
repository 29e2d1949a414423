namespace Allixios.Orchestration;

/// <summary>
/// Parses every registered payload schema when the host starts, so that a broken schema stops the start with a
/// message naming the job type, instead of failing each enqueue of that type later.
/// </summary>
internal sealed class JobTypeSchemaCheck(JobTypeRegistry types) : IAllixiosStartupTask
{
    public int Order => 50;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var name in types.Names)
        {
            await types.GetSchemaAsync(name).WaitAsync(cancellationToken);
        }
    }
}
