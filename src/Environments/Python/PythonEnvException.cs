using Rl.Core;

namespace Rl.Environments.Python;

/// <summary>What went wrong with a Python environment or its worker process.</summary>
public enum PythonFailure
{
    /// <summary>The interpreter could not be started (not installed, wrong path).</summary>
    InterpreterNotFound,
    /// <summary>The registry module (gymnasium) or the module named in the id is not installed for that interpreter.</summary>
    ModuleNotInstalled,
    /// <summary>The id is not registered, or the module has no such class.</summary>
    UnknownEnvironment,
    /// <summary>The environment raised a Python exception (its traceback is in the message and in <see cref="PythonEnvException.PythonTraceback"/>).</summary>
    EnvironmentError,
    /// <summary>A space or value has no C# counterpart (e.g. a Text space, an int64 Box).</summary>
    UnsupportedValue,
    /// <summary>The worker exited unexpectedly (a crash, <c>os._exit</c>, a signal).</summary>
    WorkerCrashed,
    /// <summary>The worker did not answer in time and was killed.</summary>
    TimedOut,
    /// <summary>The worker sent something the protocol does not allow (e.g. a bridge script of another version).</summary>
    ProtocolError,
    /// <summary>The environment returned an observation holding NaN or infinity (the native environments never do).</summary>
    NonFiniteObservation,
}

/// <summary>
/// A failure of a Python environment, raised on the C# side with what is known: the kind of failure, the Python exception's
/// type and traceback, and the last lines the worker wrote to stderr.
/// </summary>
public sealed class PythonEnvException : EnvException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="envName">The environment, e.g. <c>gym:CartPole-v1</c>.</param>
    /// <param name="failure">What went wrong.</param>
    /// <param name="message">The full message (including traceback or stderr where useful).</param>
    /// <param name="pythonType">The Python exception's class name, if one was raised.</param>
    /// <param name="pythonTraceback">The formatted Python traceback, if one was raised.</param>
    /// <param name="inner">The .NET exception behind it, if any.</param>
    public PythonEnvException(string envName, PythonFailure failure, string message, string? pythonType = null,
        string? pythonTraceback = null, Exception? inner = null)
        : base(envName, message)
    {
        Failure = failure;
        PythonType = pythonType;
        PythonTraceback = pythonTraceback;
        Cause = inner;
    }

    /// <summary>What went wrong.</summary>
    public PythonFailure Failure { get; }

    /// <summary>The Python exception's class name (e.g. <c>ValueError</c>), or null.</summary>
    public string? PythonType { get; }

    /// <summary>The Python traceback, or null.</summary>
    public string? PythonTraceback { get; }

    /// <summary>The .NET exception that caused this one (e.g. the failed process start), or null.</summary>
    /// <remarks>Not <see cref="Exception.InnerException"/> because <see cref="EnvException"/> takes none.</remarks>
    public Exception? Cause { get; }
}
