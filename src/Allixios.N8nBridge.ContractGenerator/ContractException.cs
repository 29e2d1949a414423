namespace Allixios.N8nBridge.ContractGenerator;

/// <summary>The OpenAPI document and the node's operation list disagree, or one of them is malformed.</summary>
public sealed class ContractException : Exception
{
    /// <summary>Creates the exception with a message that says what to fix.</summary>
    public ContractException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ContractException()
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ContractException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
