using System.Runtime.InteropServices;

namespace Rl.Experiments.Cli;

/// <summary>
/// Ctrl-C and SIGTERM for a long command: the first asks it to stop gracefully (its token is cancelled and a line says what
/// happens next); a second Ctrl-C is left to end the process at once. Dispose removes the handlers.
/// </summary>
public sealed class Interrupts : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConsoleCancelEventHandler _onCancel;
    private readonly PosixSignalRegistration _term;

    /// <summary>Installs the handlers.</summary>
    /// <param name="whatHappens">What the command does when interrupted, e.g. "the running trials finish their iteration and
    /// write a checkpoint"; printed after "interrupted: " or "SIGTERM: ".</param>
    public Interrupts(string whatHappens)
    {
        void Interrupt(string by)
        {
            Console.Error.WriteLine($"{by}: {whatHappens} (Ctrl-C again to abort)");
            _stop.Cancel();
        }
        _onCancel = (_, e) =>
        {
            if (_stop.IsCancellationRequested) return; // second Ctrl-C: let the process end
            e.Cancel = true;
            Interrupt("interrupted");
        };
        Console.CancelKeyPress += _onCancel;
        _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            if (!_stop.IsCancellationRequested) Interrupt("SIGTERM");
        });
    }

    /// <summary>Cancelled by the first Ctrl-C or SIGTERM.</summary>
    public CancellationToken Token => _stop.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _term.Dispose();
        _stop.Dispose();
    }
}
