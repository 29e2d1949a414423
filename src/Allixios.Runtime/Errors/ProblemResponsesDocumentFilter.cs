using Microsoft.OpenApi.Any;
using Microsoft.OpenApi.Models;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Allixios.Runtime.Errors;

/// <summary>
/// Describes errors in the OpenAPI document as the runtime serves them: gRPC's Swagger support documents every
/// operation's error as a <c>google.rpc.Status</c> JSON body, but over HTTP the runtime answers every error as
/// <c>application/problem+json</c> (<see cref="ProblemDetailsMiddleware"/>). A client generated from the document, or
/// a person reading it, would otherwise expect <c>code</c>/<c>message</c> fields that never arrive.
/// </summary>
internal sealed class ProblemResponsesDocumentFilter : IDocumentFilter
{
    public const string SchemaName = "Problem";

    private const string ProblemJson = "application/problem+json";

    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        swaggerDoc.Components.Schemas[SchemaName] = ProblemSchema();
        var problem = new OpenApiSchema { Reference = new OpenApiReference { Type = ReferenceType.Schema, Id = SchemaName } };
        foreach (var operation in swaggerDoc.Paths.Values.SelectMany(path => path.Operations.Values))
        {
            operation.Responses["default"] = new OpenApiResponse
            {
                Description = "An error: 4xx for a request to fix (the detail says what), 5xx for the server's own failures.",
                Content = { [ProblemJson] = new OpenApiMediaType { Schema = problem } },
            };
        }

        // Only the error responses referred to the transcoding error shapes (no message embeds them; the runtime's
        // OpenAPI test fails on a dangling reference to Status).
        swaggerDoc.Components.Schemas.Remove("Status");
        swaggerDoc.Components.Schemas.Remove("Any");
    }

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = "object",
        Description = "An RFC 9457 problem: every HTTP error of the runtime has this shape.",
        Required = new SortedSet<string> { "type", "title", "status", "detail", "reason" },
        Properties = new Dictionary<string, OpenApiSchema>
        {
            ["type"] = new() { Type = "string", Format = "uri", Description = "The problem type, stable per reason: " + ProblemTypes.BaseUri + "<reason with dashes>.", Example = new OpenApiString(ProblemTypes.BaseUri + "invalid-argument") },
            ["title"] = new() { Type = "string", Description = "A short summary of the problem type." },
            ["status"] = new() { Type = "integer", Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new() { Type = "string", Description = "What went wrong with this request and what to change." },
            ["instance"] = new() { Type = "string", Description = "The request path." },
            ["reason"] = new() { Type = "string", Description = "A machine-readable reason in snake_case, e.g. search_query_not_found.", Example = new OpenApiString("invalid_argument") },
            ["traceId"] = new() { Type = "string", Description = "The request's trace identifier, to find it in the server's logs." },
        },
    };
}
