using BenchmarkDotNet.Loggers;

namespace Allixios.Benchmarks;

/// <summary>BenchmarkDotNet's log and tables go to stderr, so that stdout carries the JSON figures only.</summary>
internal sealed class StderrLogger : ILogger
{
    public string Id => nameof(StderrLogger);

    public int Priority => 0;

    public void Write(LogKind logKind, string text) => Console.Error.Write(text);

    public void WriteLine() => Console.Error.WriteLine();

    public void WriteLine(LogKind logKind, string text) => Console.Error.WriteLine(text);

    public void Flush() => Console.Error.Flush();
}
