namespace Allixios.AiRouting.FineTuning;

/// <summary>One event of a fine-tuning job (a status change, a training step's metrics, a warning).</summary>
/// <param name="Id">The provider's event id.</param>
/// <param name="At">When it happened.</param>
/// <param name="Level"><c>info</c>, <c>warn</c> or <c>error</c>.</param>
/// <param name="Message">What happened.</param>
/// <param name="Type"><c>message</c> or <c>metrics</c>.</param>
public sealed record AiFineTuningEvent(string Id, DateTimeOffset At, string Level, string Message, string Type);
