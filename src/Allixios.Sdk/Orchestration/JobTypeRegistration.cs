namespace Allixios.Orchestration;

/// <summary>A job type the engine knows: its name, the JSON Schema its payloads must satisfy, and its handler.</summary>
/// <param name="Name">The type's name, e.g. <c>content.generate</c>.</param>
/// <param name="PayloadSchema">A JSON Schema (draft 4 to 2020-12 as NJsonSchema reads it) for payloads; none accepts any JSON.</param>
/// <param name="HandlerType">The <see cref="IJobHandler{TPayload}"/> that runs it, or none for a type only enqueued here.</param>
/// <param name="PayloadType">The payload type the handler receives.</param>
public sealed record JobTypeRegistration(string Name, string? PayloadSchema, Type? HandlerType = null, Type? PayloadType = null);
