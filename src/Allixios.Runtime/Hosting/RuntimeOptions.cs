using System.ComponentModel.DataAnnotations;

namespace Allixios.Runtime.Hosting;

/// <summary>Options of the runtime host, bound from <c>Allixios:Runtime</c>.</summary>
internal sealed class RuntimeOptions
{
    public const string SectionName = "Allixios:Runtime";

    /// <summary>The largest request body (HTTP) or message (gRPC) accepted, in bytes. Default 1 MiB; 1 KiB to 256 MiB.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
