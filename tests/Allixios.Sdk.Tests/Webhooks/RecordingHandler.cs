using System.Net;

namespace Allixios.Sdk.Tests.Webhooks;

/// <summary>A receiver in process: answers each request with the next response scripted, and keeps what it got.</summary>
internal sealed class RecordingHandler : HttpMessageHandler, IHttpClientFactory
{
    private readonly Queue<Func<CancellationToken, Task<HttpResponseMessage>>> _script = new();

    public List<(HttpRequestMessage Request, string Body)> Received { get; } = [];

    public RecordingHandler Answer(HttpStatusCode status, string body = "")
    {
        _script.Enqueue(_ => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body) }));
        return this;
    }

    public RecordingHandler Hang()
    {
        _script.Enqueue(async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            throw new InvalidOperationException("Unreachable.");
        });
        return this;
    }

    public RecordingHandler Refuse()
    {
        _script.Enqueue(_ => throw new HttpRequestException("Connection refused (127.0.0.1:9)"));
        return this;
    }

    public HttpClient CreateClient(string name) => new(this, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Received.Add((request, await request.Content!.ReadAsStringAsync(cancellationToken)));
        return _script.TryDequeue(out var next)
            ? await next(cancellationToken)
            : throw new InvalidOperationException($"Request {Received.Count} to {request.RequestUri} was not expected.");
    }
}
