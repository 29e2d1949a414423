using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Allixios options so that adding Allixios again adds no second validator.</summary>
internal static class OptionsRegistration
{
    /// <summary>
    /// Options validated by their data annotations when the host starts. The validator is registered once however
    /// often this runs: a second one would report every failure twice.
    /// </summary>
    public static OptionsBuilder<TOptions> AddOptionsValidatedOnce<TOptions>(this IServiceCollection services)
        where TOptions : class
    {
        var options = services.AddOptions<TOptions>();
        if (!services.Any(s => s.ServiceType == typeof(IValidateOptions<TOptions>) && s.ImplementationInstance is DataAnnotationValidateOptions<TOptions>))
        {
            options.ValidateDataAnnotations().ValidateOnStart();
        }

        return options;
    }
}
