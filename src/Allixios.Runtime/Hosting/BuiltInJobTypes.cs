using Allixios.Content;

namespace Allixios.Runtime.Hosting;

/// <summary>
/// The job types the runtime runs itself. <c>content.generate</c> (<see cref="ContentGeneration.JobType"/>): a brief → a
/// streamed completion through the AI router under the job's tenant and budgets → a quality score → the draft stored as
/// the job's result, with its settings from <c>Allixios:Content:Generation</c>. It is on unless
/// <c>Allixios:Content:Generation:Enabled</c> is <c>false</c>, or the configuration declares a <c>content.generate</c>
/// type of its own (<see cref="ConfiguredJobTypes"/>): that operator's type, with its schema, is then left to an external
/// worker, as before the built-in existed. Job results are readable whichever way, for handlers in other processes too.
/// </summary>
internal static class BuiltInJobTypes
{
    public const string EnabledKey = ContentGenerationOptions.SectionName + ":Enabled";

    /// <summary>Adds job results and, when on, the content pipeline; call after <c>AddAiRouting</c> and <c>AddQualityScoring</c>.</summary>
    public static void AddTo(IAllixiosBuilder allixios, IConfiguration configuration)
    {
        allixios.AddJobResults();
        if (configuration.GetValue(EnabledKey, defaultValue: true) && !ConfiguredJobTypes.Declares(configuration, ContentGeneration.JobType))
        {
            allixios.AddContentGeneration(o => configuration.GetSection(ContentGenerationOptions.SectionName).Bind(o));
        }
    }
}
