using System.Reflection;
using Refit;

namespace Allixios.N8nBridge;

/// <summary>Writes query booleans as n8n's request validator expects them (<c>true</c>, not .NET's <c>True</c>).</summary>
internal sealed class N8nUrlParameterFormatter : DefaultUrlParameterFormatter
{
    public override string? Format(object? value, ICustomAttributeProvider attributeProvider, Type type)
        => value is bool flag ? (flag ? "true" : "false") : base.Format(value, attributeProvider, type);
}
