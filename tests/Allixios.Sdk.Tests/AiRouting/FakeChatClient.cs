using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Allixios.Sdk.Tests.AiRouting;

/// <summary>A hand-written provider stand-in: answers with its name after a set (simulated) latency, or fails as told.</summary>
internal sealed class FakeChatClient(string name, FakeTimeProvider time) : IChatClient
{
    public TimeSpan Latency { get; set; }

    public Exception? Failure { get; set; }

    public int Calls { get; private set; }

    public ChatOptions? LastOptions { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        LastOptions = options;
        time.Advance(Latency);
        if (Failure is not null)
        {
            throw Failure;
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, name))
        {
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 },
        });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
