using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Allixios.Usage;

/// <summary>Validates each configured resource rate limit at start (data annotations do not reach into dictionary values).</summary>
internal sealed class RateLimitOptionsValidation : IValidateOptions<UsageOptions>
{
    public ValidateOptionsResult Validate(string? name, UsageOptions options)
    {
        var failures = new List<string>();
        foreach (var (resource, limit) in options.RateLimits)
        {
            if (string.IsNullOrWhiteSpace(resource) || resource.Length > 100)
            {
                failures.Add($"Rate limit resource name '{resource}' must be 1 to 100 characters.");
            }

            var results = new List<ValidationResult>();
            if (limit is null || !Validator.TryValidateObject(limit, new ValidationContext(limit), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(r => $"Rate limit of '{resource}': {r.ErrorMessage}"));
                if (limit is null)
                {
                    failures.Add($"Rate limit of '{resource}' is empty: set RequestsPerMinute and/or TokensPerMinute.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
