namespace Allixios.N8nBridge.Templates;

/// <summary>
/// A value a workflow template needs before n8n can run it, written <c>{{name}}</c> in the template's JSON strings
/// (n8n's own expressions, <c>{{ $json.x }}</c>, have a space and a <c>$</c>, so they never look like one).
/// </summary>
/// <param name="Name">The placeholder's name, e.g. <c>allixios.credentialId</c>.</param>
/// <param name="Description">What to give.</param>
/// <param name="Kind">How the value is checked.</param>
/// <param name="Default">The value used when none is given; <see langword="null"/> when one is required.</param>
public sealed record N8nTemplateParameter(string Name, string Description, N8nTemplateParameterKind Kind, string? Default)
{
    /// <summary>Whether the caller must give a value.</summary>
    public bool IsRequired => Default is null;
}
