namespace Allixios.Runtime.Errors;

/// <summary>
/// A response body that passes successful responses straight through, but holds back the body of an error
/// response (status 400 or more, decided at the first write or flush) so it can be rewritten as problem+json.
/// Streaming responses are never buffered: they start with a success status.
/// </summary>
internal sealed class ErrorCaptureStream(Stream inner, HttpResponse response) : Stream
{
    private const int MaxCapturedBytes = 64 * 1024;

    private MemoryStream? _captured;
    private bool _decided;

    /// <summary>The held-back error body, or <see langword="null"/> when the response passed through.</summary>
    public MemoryStream? Captured => _captured;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Target().Write(buffer, offset, count);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => Target().WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => Target().WriteAsync(buffer, cancellationToken);

    public override void Flush()
    {
        if (Target() == inner)
        {
            inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken)
        => Target() == inner ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private Stream Target()
    {
        if (!_decided)
        {
            _decided = true;
            if (response.StatusCode >= 400 && !response.HasStarted)
            {
                _captured = new MemoryStream();
            }
        }

        if (_captured is { Length: > MaxCapturedBytes })
        {
            throw new InvalidOperationException($"An error response body over {MaxCapturedBytes} bytes cannot be rewritten as problem+json.");
        }

        return _captured ?? inner;
    }
}
