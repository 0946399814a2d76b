namespace Rl.Environments.MuJoCo;

/// <summary>
/// An error reported by MuJoCo or by the binding around it: a model that does not compile (with MuJoCo's own message, e.g.
/// "both pos and fromto defined" or an XML parse error), a library of the wrong version, or a model without an element the
/// caller asked for.
/// </summary>
public sealed class MuJoCoException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, including MuJoCo's message where there is one.</param>
    public MuJoCoException(string message) : base(message) { }

    /// <summary>Creates the exception with the error that caused it.</summary>
    /// <param name="message">What went wrong, including MuJoCo's message where there is one.</param>
    /// <param name="inner">The underlying error.</param>
    public MuJoCoException(string message, Exception inner) : base(message, inner) { }
}
