namespace Rl.Experiments.Cli;

/// <summary>
/// A command-line usage error found after parsing (two options that do not go together, a file that is not a run): the
/// runner prints the message and where to find the command's help, and exits with code 2.
/// </summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message) : base(message) { }
}
