using System.Net;
using System.Text.Json;
using Xunit;

namespace Allixios.IntegrationTests.Runtime;

/// <summary>An <c>application/problem+json</c> body, read and checked.</summary>
public sealed record Problem(int Status, string Type, string Title, string Detail, string Reason)
{
    public static async Task<Problem> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var problem = new Problem(
            root.GetProperty("status").GetInt32(),
            root.GetProperty("type").GetString()!,
            root.GetProperty("title").GetString()!,
            root.GetProperty("detail").GetString()!,
            root.GetProperty("reason").GetString()!);
        Assert.Equal((int)expected, problem.Status);
        Assert.StartsWith("https://allixios.dev/problems/", problem.Type, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail));
        return problem;
    }
}
