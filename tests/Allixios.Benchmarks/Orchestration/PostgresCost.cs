using System.Globalization;
using Npgsql;

namespace Allixios.Benchmarks.Orchestration;

/// <summary>
/// What a phase of a benchmark cost the PostgreSQL server: WAL bytes written, and CPU time of the benchmark database's
/// backends (read from /proc, so only for a server on this machine). Both hardly move when other processes share the
/// cores, unlike jobs/s, so they judge a change on a loaded machine. A backend that exits during the phase is not
/// counted; the pools keep theirs open for the whole run.
/// </summary>
internal sealed class PostgresCost(string superuserConnectionString)
{
    // USER_HZ: what /proc/PID/stat counts CPU time in on Linux.
    private const double TicksPerSecond = 100;

    private readonly string _database = new NpgsqlConnectionStringBuilder(superuserConnectionString).Database!;

    public async Task<Sample> SampleAsync()
    {
        await using var connection = new NpgsqlConnection(superuserConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, coalesce(array_agg(pid) FILTER (WHERE pid <> pg_backend_pid()), '{}') FROM pg_stat_activity WHERE datname = $1",
            connection);
        command.Parameters.Add(new() { Value = _database });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var wal = reader.GetInt64(0);
        var ticks = new Dictionary<int, long>();
        foreach (var pid in reader.GetFieldValue<int[]>(1))
        {
            if (CpuTicks(pid) is { } t)
            {
                ticks[pid] = t;
            }
        }

        return new Sample(wal, ticks);
    }

    private static long? CpuTicks(int pid)
    {
        try
        {
            // The fields after the command name (in parentheses, which may hold spaces): utime and stime are the 12th and
            // 13th of them.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>WAL position and the CPU ticks of each backend at one moment.</summary>
    public sealed record Sample(long Wal, Dictionary<int, long> Ticks)
    {
        /// <summary>What happened between <paramref name="start"/> and this sample, per job.</summary>
        public PerJob Since(Sample start, int jobs)
        {
            var ticks = Ticks.Sum(t => t.Value - start.Ticks.GetValueOrDefault(t.Key));
            return new PerJob((Wal - start.Wal) / (double)jobs, ticks / TicksPerSecond * 1e6 / jobs);
        }
    }

    /// <summary>WAL bytes and server CPU microseconds per job (CPU 0 when no backend could be read).</summary>
    public readonly record struct PerJob(double WalBytes, double ServerCpuMicroseconds);
}
