using Npgsql;

namespace Allixios.Benchmarks.Orchestration;

/// <summary>
/// The ceiling the queue is measured against: a table of ids and a state, filled with batched inserts and drained by
/// batched <c>FOR UPDATE SKIP LOCKED</c> claims and batched acknowledgements, with no job semantics at all (no lease,
/// history, tenant scope or row-level security). Its own table, in the same database as the queue.
/// </summary>
internal static class BareSkipLockedLoop
{
    private const int Batch = 100;

    public static async Task<(PhaseFigures Insert, PhaseFigures Work)> RunAsync(string connectionString, int jobs, int loops, PostgresCost? cost = null)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var create = dataSource.CreateCommand("""
            CREATE TABLE bare_jobs (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, state smallint NOT NULL DEFAULT 0, payload jsonb NOT NULL);
            CREATE INDEX bare_jobs_ready ON bare_jobs (id) WHERE state = 0;
            """))
        {
            await create.ExecuteNonQueryAsync();
        }

        var meter = await PhaseMeter.StartAsync(cost);
        for (var done = 0; done < jobs; done += 1000)
        {
            await using var insert = dataSource.CreateCommand("INSERT INTO bare_jobs (payload) SELECT '{}'::jsonb FROM generate_series(1, $1)");
            insert.Parameters.Add(new() { Value = Math.Min(1000, jobs - done) });
            await insert.ExecuteNonQueryAsync();
        }

        var inserted = await meter.StopAsync(jobs);
        meter = await PhaseMeter.StartAsync(cost);
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var ids = new List<long>(Batch);
                await using (var claim = dataSource.CreateCommand($"""
                    WITH c AS (SELECT id FROM bare_jobs WHERE state = 0 ORDER BY id LIMIT {Batch} FOR UPDATE SKIP LOCKED)
                    UPDATE bare_jobs b SET state = 1 FROM c WHERE b.id = c.id RETURNING b.id
                    """))
                await using (var reader = await claim.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        ids.Add(reader.GetInt64(0));
                    }
                }

                if (ids.Count == 0)
                {
                    return;
                }

                await using var ack = dataSource.CreateCommand("UPDATE bare_jobs SET state = 2 WHERE id = ANY($1)");
                ack.Parameters.Add(new() { Value = ids.ToArray() });
                await ack.ExecuteNonQueryAsync();
            }
        })));
        var work = await meter.StopAsync(jobs);
        await Console.Error.WriteLineAsync($"bare loop: inserted at {inserted.PerSecond:F0}/s ({inserted}), worked at {work.PerSecond:F0}/s ({work})");
        return (inserted, work);
    }
}
