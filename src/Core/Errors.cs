using Rl.Core.Spaces;

namespace Rl.Core;

/// <summary>The base of every error an environment raises for misuse; the message names the environment.</summary>
public class EnvException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="envName">The environment's id or type name.</param>
    /// <param name="message">What went wrong.</param>
    public EnvException(string envName, string message) : base($"{envName}: {message}") => EnvName = envName;

    /// <summary>The environment's id or type name.</summary>
    public string EnvName { get; }
}

/// <summary>An action (or other value) outside its space: wrong type, wrong shape, out of bounds or NaN.</summary>
public sealed class InvalidActionException : EnvException
{
    /// <summary>Creates the exception naming the environment, the space, the value and the reason.</summary>
    public InvalidActionException(string envName, Space space, object? value, string reason)
        : base(envName, $"action {Space.FormatValue(value)} is not in the action space {space}: {reason}")
    {
        Space = space;
        Value = value;
    }

    /// <summary>The space the value had to belong to.</summary>
    public Space Space { get; }

    /// <summary>The rejected value.</summary>
    public object? Value { get; }
}

/// <summary>Step was called before the first Reset, or after the episode ended without a Reset.</summary>
public sealed class ResetNeededException : EnvException
{
    /// <summary>Creates the exception.</summary>
    public ResetNeededException(string envName, string message) : base(envName, message) { }
}
