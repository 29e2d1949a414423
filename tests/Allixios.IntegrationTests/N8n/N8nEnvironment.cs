namespace Allixios.IntegrationTests.N8n;

/// <summary>Where the test rig's n8n is, from the variables scripts/n8n.sh writes to the services' env file.</summary>
internal static class N8nEnvironment
{
    public const string UrlVariable = "ALLIXIOS_TEST_N8N_URL";
    public const string ApiKeyVariable = "ALLIXIOS_TEST_N8N_API_KEY";
    public const string CliVariable = "ALLIXIOS_TEST_N8N_CLI";

    public static bool IsConfigured => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(UrlVariable));

    public static Uri Url => new(Require(UrlVariable));

    public static string ApiKey => Require(ApiKeyVariable);

    /// <summary>The script that runs n8n's command line on the instance's data (e.g. <c>execute --id=ID</c>).</summary>
    public static string Cli => Require(CliVariable);

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: 'source <services dir>/env' after scripts/test-services.sh start writes it.");
}
