namespace Allixios.N8nBridge.Templates;

/// <summary>How a template parameter's value is checked before it is put into the workflow.</summary>
public enum N8nTemplateParameterKind
{
    /// <summary>Any text that is not empty.</summary>
    Text,

    /// <summary>An absolute <c>http</c> or <c>https</c> address.</summary>
    Url,

    /// <summary>A number (invariant culture, e.g. <c>80</c> or <c>0.5</c>).</summary>
    Number,

    /// <summary>A cron expression of five or six fields, as n8n's Schedule Trigger takes it.</summary>
    Cron,

    /// <summary>A webhook path: letters, digits, <c>-</c>, <c>_</c> and <c>/</c>.</summary>
    WebhookPath,
}
