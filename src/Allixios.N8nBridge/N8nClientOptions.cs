using System.ComponentModel.DataAnnotations;

namespace Allixios.N8nBridge;

/// <summary>Where n8n is and how to authenticate to its public API. Bound from <c>N8n</c> by convention.</summary>
public sealed class N8nClientOptions
{
    /// <summary>n8n's base address, e.g. <c>http://localhost:5678</c> (without <c>/api/v1</c>). Required.</summary>
    [Required(ErrorMessage = "N8nClientOptions.BaseAddress is required, e.g. http://localhost:5678.")]
    public Uri? BaseAddress { get; set; }

    /// <summary>An n8n API key (Settings → n8n API), sent as <c>X-N8N-API-KEY</c>. Required.</summary>
    [Required(ErrorMessage = "N8nClientOptions.ApiKey is required: create one in n8n under Settings → n8n API.")]
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>How long one attempt may take before it is abandoned and retried. Default 10 s; 1 s to 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
