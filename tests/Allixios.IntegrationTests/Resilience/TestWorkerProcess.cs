using System.Diagnostics;
using System.Text;

namespace Allixios.IntegrationTests.Resilience;

/// <summary>
/// The test worker (<c>tests/Allixios.TestWorker</c>) started as a real process on a test database. <see cref="KillHard"/>
/// ends it with SIGKILL, as a crash or an OOM kill would: no shutdown hook runs, its leases are simply abandoned.
/// </summary>
public sealed class TestWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private TestWorkerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Whether its host said it started (past its start-up migrations).</summary>
    public bool HasStarted { get; private set; }

    /// <summary>The last of what it printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                var text = _output.ToString();
                return text.Length > 4000 ? text[^4000..] : text;
            }
        }
    }

    public static TestWorkerProcess Start(string connectionString, string name, int concurrency)
    {
        var dll = Dll.Value;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ALLIXIOS_WORKER_POSTGRES"] = connectionString;
        start.Environment["ALLIXIOS_WORKER_NAME"] = name;
        start.Environment["ALLIXIOS_WORKER_CONCURRENCY"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the test worker.");
        var worker = new TestWorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL: the process ends at once, mid-job.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
            HasStarted |= line.Contains("Application started", StringComparison.Ordinal);
        }
    }

    private static readonly Lazy<string> Dll = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Allixios.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new DirectoryNotFoundException("Could not find the repository root (Allixios.sln) above " + AppContext.BaseDirectory);
        }

#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(directory.FullName, "tests", "Allixios.TestWorker", "bin", configuration, "net10.0", "Allixios.TestWorker.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The test worker is not built at '{dll}': build the solution in {configuration} first.");
    });
}
