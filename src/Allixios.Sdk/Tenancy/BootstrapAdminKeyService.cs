using Allixios.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Allixios.Tenancy;

/// <summary>
/// At start, registers the bootstrap admin key from configuration, or, when there is none and no admin key
/// exists yet, generates one and logs it once: the operator's way in to a new installation.
/// </summary>
internal sealed class BootstrapAdminKeyService(
    TenantAdministration administration,
    IOptions<AllixiosOptions> options,
    ILogger<BootstrapAdminKeyService> logger) : IAllixiosStartupTask
{
    public int Order => 100;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.BootstrapAdminKey;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (await administration.EnsureAdminKeyAsync(configured.Trim(), "bootstrap (configuration)", cancellationToken))
            {
                logger.LogInformation(AllixiosLogEvents.BootstrapKeyConfigured, "Registered the bootstrap admin key from configuration (Allixios:BootstrapAdminKey).");
            }

            return;
        }

        if (await administration.HasActiveAdminKeyAsync(cancellationToken))
        {
            return;
        }

        var secret = ApiKeySecret.Generate();
        await administration.EnsureAdminKeyAsync(secret, "bootstrap (generated)", cancellationToken);
        logger.LogWarning(
            AllixiosLogEvents.BootstrapKeyGenerated,
            "No admin API key existed, so one was generated. It is shown this once; store it now: {BootstrapAdminKey}",
            secret);
    }
}
