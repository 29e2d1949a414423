using System.Diagnostics;

namespace Allixios.Benchmarks.Orchestration;

/// <summary>
/// Measures one phase of a queue benchmark: its rate, and per job the CPU time of this process (all threads), the bytes
/// it allocated and, on PostgreSQL, what it cost the server (<see cref="PostgresCost"/>).
/// </summary>
internal sealed class PhaseMeter
{
    private readonly PostgresCost? _cost;
    private readonly PostgresCost.Sample? _server;
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly long _compiled;
    private readonly TimeSpan _compiling;
    private readonly Stopwatch _clock;

    private PhaseMeter(PostgresCost? cost, PostgresCost.Sample? server)
    {
        _cost = cost;
        _server = server;
        _cpu = ProcessCpu();
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        _compiling = System.Runtime.JitInfo.GetCompilationTime();
        _clock = Stopwatch.StartNew();
    }

    public static async Task<PhaseMeter> StartAsync(PostgresCost? cost) =>
        new(cost, cost is null ? null : await cost.SampleAsync());

    public async Task<PhaseFigures> StopAsync(int jobs)
    {
        var elapsed = _clock.Elapsed;
        var cpu = ProcessCpu() - _cpu;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        var jit = new JitActivity(System.Runtime.JitInfo.GetCompiledMethodCount() - _compiled, System.Runtime.JitInfo.GetCompilationTime() - _compiling);
        PostgresCost.PerJob? server = _cost is null ? null : (await _cost.SampleAsync()).Since(_server!, jobs);
        return new PhaseFigures(jobs / elapsed.TotalSeconds, cpu / jobs, allocated / (double)jobs, server, jit);
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

/// <summary>
/// What the JIT compiled during a phase: a warm worker compiles nothing, so methods compiled here mean the warm-up was too
/// short for the phase's code to reach its final tier, and their compilation counts in the phase's CPU.
/// </summary>
internal readonly record struct JitActivity(long Methods, TimeSpan Time);

/// <summary>A phase's rate and its costs per job.</summary>
internal readonly record struct PhaseFigures(double PerSecond, TimeSpan CpuPerJob, double AllocatedPerJob, PostgresCost.PerJob? Server, JitActivity Jit)
{
    public override string ToString() =>
        $"{CpuPerJob.TotalMicroseconds:F2} us CPU and {AllocatedPerJob:F0} bytes allocated per job"
        + (Server is { } s ? $"; server {s.ServerCpuMicroseconds:F2} us CPU and {s.WalBytes:F0} bytes of WAL per job" : string.Empty)
        + $"; JIT compiled {Jit.Methods} methods in {Jit.Time.TotalMilliseconds:F0} ms";
}
