using Xunit;

namespace Allixios.IntegrationTests.N8n;

/// <summary>
/// A test against the real n8n the test rig starts (scripts/n8n.sh, through scripts/test-services.sh). Skipped, with the
/// reason, only when <c>ALLIXIOS_TEST_N8N_URL</c> is not set, i.e. when the rig was not started or was told to leave n8n
/// out (<c>ALLIXIOS_SKIP_N8N=1</c>); scripts/test.sh always sets it, so there these tests run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class N8nFactAttribute : FactAttribute
{
    public N8nFactAttribute()
    {
        if (!N8nEnvironment.IsConfigured)
        {
            Skip = $"{N8nEnvironment.UrlVariable} is not set, so there is no n8n to test against: run 'scripts/test-services.sh start' "
                + "(it installs and starts n8n with the node package) and 'source .services/env' first, or run scripts/test.sh.";
        }
    }
}
