using System.Security.Cryptography;

namespace Allixios.IntegrationTests.Caching;

/// <summary>The shared test Redis that <c>scripts/test-services.sh</c> starts, and key prefixes that keep tests apart on it.</summary>
internal static class TestRedis
{
    public static string Configuration => Environment.GetEnvironmentVariable("ALLIXIOS_TEST_REDIS")
        ?? throw new InvalidOperationException("ALLIXIOS_TEST_REDIS is not set: run the tests through scripts/test.sh, which starts Redis.");

    /// <summary>A prefix no other test uses, so that tests running at the same time share no key and no backplane channel.</summary>
    public static string UniquePrefix() => "itest:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ":";
}
