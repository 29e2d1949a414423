using System.Globalization;
using Allixios.Storage;

namespace Allixios.Runtime.Hosting;

/// <summary>
/// The runtime's maintenance verbs, for deployment steps and container health checks:
/// <c>migrate [status | up | to VERSION]</c> and <c>healthcheck URL</c>.
/// </summary>
internal static class CommandLineVerbs
{
    public static bool TryRun(string[] args, out Task<int> exitCode)
    {
        exitCode = args.FirstOrDefault() switch
        {
            "migrate" => MigrateAsync(args[1..]),
            "healthcheck" => HealthCheckAsync(args[1..]),
            _ => Task.FromResult(-1),
        };
        return args.FirstOrDefault() is "migrate" or "healthcheck";
    }

    private static async Task<int> MigrateAsync(string[] args)
    {
        var verb = args.FirstOrDefault() ?? "up";
        var builder = Host.CreateApplicationBuilder(args.SkipWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray());
        var connectionString = builder.Configuration["Allixios:Postgres:ConnectionString"];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("migrate: set Allixios:Postgres:ConnectionString (environment ALLIXIOS__POSTGRES__CONNECTIONSTRING) to the database to migrate.");
            return 2;
        }

        builder.Services.AddAllixios().UsePostgres(connectionString, o => o.MigrateAtStart = false);
        using var host = builder.Build();
        var runner = host.Services.GetRequiredService<MigrationRunner>();
        try
        {
            switch (verb)
            {
                case "status":
                    foreach (var migration in await runner.GetStatusAsync())
                    {
                        Console.WriteLine($"{migration.Version,4}  {migration.Name,-30} {(migration.IsApplied ? "applied " + migration.AppliedAt!.Value.ToString("u", CultureInfo.InvariantCulture) : "pending")}");
                    }

                    return 0;
                case "up":
                    Console.WriteLine($"Applied {await runner.MigrateAsync()} migration(s); schema at version {runner.LatestVersion}.");
                    return 0;
                case "to" when args.Length > 1 && int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version <= runner.LatestVersion:
                    Console.WriteLine($"Ran {await runner.MigrateToAsync(version)} migration(s); schema at version {version}.");
                    return 0;
                default:
                    await Console.Error.WriteLineAsync($"migrate: use 'migrate status', 'migrate up' or 'migrate to VERSION' with VERSION from 0 to {runner.LatestVersion}.");
                    return 2;
            }
        }
        catch (MigrationException e)
        {
            await Console.Error.WriteLineAsync("migrate: " + e.Message);
            return 1;
        }
    }

    private static async Task<int> HealthCheckAsync(string[] args)
    {
        var url = args.FirstOrDefault() ?? $"http://127.0.0.1:{ListenAddresses.DefaultHttpPort}/health/ready";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(new Uri(url));
            Console.WriteLine($"{url}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException)
        {
            await Console.Error.WriteLineAsync($"{url}: {e.Message}");
            return 1;
        }
    }
}
