namespace Allixios.Runtime.Caching;

/// <summary>
/// The response body under the <see cref="HttpCachingMiddleware"/>. At the first write or flush it asks what the
/// response is: a small JSON answer is held back whole so that its ETag can be computed (and a 304 sent instead of
/// it); anything else passes straight through. A held-back body that outgrows the bound is let go, and passes
/// through from then on without an ETag.
/// </summary>
internal sealed class CacheableResponseStream(Stream inner, int maxBufferedBytes, Func<CacheableResponseStream.Treatment> decide, Action beforePassingThrough) : Stream
{
    /// <summary>What to do with a response, decided once its status and headers are known.</summary>
    public enum Treatment
    {
        /// <summary>Not ours: pass it through untouched (errors, streams, other content types).</summary>
        Untouched,

        /// <summary>Caching headers, but no ETag: the body cannot be held back (too large).</summary>
        PassThrough,

        /// <summary>Hold the body back for its ETag.</summary>
        Buffer,
    }

    private MemoryStream? _buffer;
    private bool _decided;

    /// <summary>The held-back body, or <see langword="null"/> when the response passed through.</summary>
    public MemoryStream? Buffered => _buffer;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        var target = Target();
        if (_buffer is not null && _buffer.Length + count > maxBufferedBytes)
        {
            var held = LetGo();
            held.WriteTo(inner);
            target = inner;
        }

        target.Write(buffer, offset, count);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var target = Target();
        if (_buffer is not null && _buffer.Length + buffer.Length > maxBufferedBytes)
        {
            var held = LetGo();
            held.Position = 0;
            await held.CopyToAsync(inner, cancellationToken);
            target = inner;
        }

        await target.WriteAsync(buffer, cancellationToken);
    }

    // A flush while holding back is ignored: transcoding flushes a unary answer when it is complete. Responses that
    // stream (server-streaming methods, Server-Sent Events) are recognised when deciding and never held back.
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

    /// <summary>Decides the treatment now, if nothing was written; the middleware calls it for a response without a body.</summary>
    public void DecideIfUndecided() => Target();

    private Stream Target()
    {
        if (!_decided)
        {
            _decided = true;
            switch (decide())
            {
                case Treatment.Buffer:
                    _buffer = new MemoryStream();
                    break;
                case Treatment.PassThrough:
                    beforePassingThrough();
                    break;
                default:
                    break;
            }
        }

        return _buffer ?? inner;
    }

    /// <summary>Stops holding back (the body outgrew the bound): the caching headers, without an ETag, go out first.</summary>
    private MemoryStream LetGo()
    {
        var held = _buffer!;
        _buffer = null;
        beforePassingThrough();
        return held;
    }
}
