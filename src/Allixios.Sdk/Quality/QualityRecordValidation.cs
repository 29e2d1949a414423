using System.Globalization;
using Allixios.Tenancy;

namespace Allixios.Quality;

/// <summary>The checks every quality ledger makes before it records.</summary>
internal static class QualityRecordValidation
{
    public static QualityRecord Ensure(QualityRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        TenantIds.Validate(record.TenantId);
        if (string.IsNullOrWhiteSpace(record.Model))
        {
            throw AllixiosException.Invalid("quality_model_required", "A quality score names the model that wrote the answer.");
        }

        if (double.IsNaN(record.Score) || record.Score is < 0 or > 100)
        {
            throw AllixiosException.Invalid("quality_score_invalid", string.Create(CultureInfo.InvariantCulture, $"A quality score is 0 to 100; {record.Score} was recorded for '{record.Model}'."));
        }

        return record;
    }
}
