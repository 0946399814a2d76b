using System.CommandLine;
using Rl.Core;
using Rl.Core.Demonstrations;
using Rl.Environments;
using Rl.Experiments.Cli;
using Rl.Rendering;
using Rl.Rendering.Input;
using Rl.Rendering.Native;
using Rl.Rendering.Play;

namespace Rl.Experiments.Commands;

/// <summary>
/// <c>rl play &lt;env-id&gt; [--record DIR] [--fps N] [--turn-based] [--episodes N] [--seed N] [--set key=value]...
/// [--input-script FILE] [--no-hud]</c>: a person plays an environment in a window with the keyboard (its key map is
/// printed at start and shown in the window); every completed episode is saved to DIR as a demonstration (.npz + manifest).
/// </summary>
public static class PlayCommand
{
    /// <summary>The command: its arguments, options, help and action.</summary>
    public static Command Create()
    {
        var envId = Opt.Required("env-id", "the environment to play (one with a key map, e.g. CartPole-v1)").EnvIds();
        var record = Opt.Text("--record", "DIR", "save every completed episode to DIR (one .npz per episode plus manifest.json; appends to an " +
            "existing directory of the same environment). Without it nothing is saved");
        var fps = Opt.Double("--fps", "steps per second in real time (default: a pace a person can follow, the environment's render fps but " +
            "at most 15; 0: as fast as possible)", 0);
        var turnBased = Opt.Flag("--turn-based", "wait for a key press at every step (held keys combine with it)");
        var episodes = Opt.Int("--episodes", "stop after N completed episodes (default: until ESC or the window is closed)", 1);
        var seed = Opt.Seed("seed of the first reset (later episodes continue the environment's random stream)");
        var sets = Opt.Set("an environment option (as [env_kwargs] in configs, rl envs --kwargs)");
        var inputScript = Opt.Text("--input-script", "FILE", "read keys from FILE instead of the keyboard, for automation and tests: one line " +
            "per step of the script, `KEYS [*N]` presses KEYS (joined by +, e.g. UP+LEFT) and holds them N frames, `-` holds nothing, " +
            "# comments; ESC is pressed after the last line");
        var noHud = Opt.Flag("--no-hud", "no text overlay in the window");
        var command = new Command("play", "Play an environment with the keyboard in a window and record demonstrations (needs a display)")
        {
            envId, record, fps, turnBased, episodes, seed, sets, inputScript, noHud, UserEnvironments.CreateOption(),
        };
        command.Notes("""
            Keys: the environment's key map (printed at start), P pause, BACKSPACE discard the episode, ESC quit.
            In real time an episode starts at the first key pressed; environments with a key map: CartPole-v1 (and its
            pixel variant), the kart racers (KartState-v0, Kart-v0, discrete variants) and Breakout (BreakoutState-v0, Breakout-v0).
            Without a display: xvfb-run -a rl play ...
            """);
        return command.Runs(r => Run(r.GetValue(envId)!, r.GetValue(record), r.GetValue(fps), r.GetValue(turnBased), r.GetValue(episodes),
            r.GetValue(seed), r.GetValue(sets)!, r.GetValue(inputScript), r.GetValue(noHud)));
    }

    /// <summary>Runs the command; returns the exit code (1 when no window can be opened, with what to install or set).</summary>
    /// <exception cref="UsageException">For bad arguments, an unknown environment, or one without a key map.</exception>
    public static int Run(string envId, string? recordDir, double? fps, bool turnBased, int? episodes, int? seed, IReadOnlyList<string> sets,
        string? scriptFile, bool noHud)
    {
        KeyScript? script;
        try
        {
            script = scriptFile is null ? null : KeyScript.Load(scriptFile);
        }
        catch (Exception e) when (e is FormatException or FileNotFoundException)
        {
            throw new UsageException($"play: --input-script: {e.Message}");
        }

        IEnv env = PixelEnvironments.MakeForCommand("play", envId, sets);
        try
        {
            var options = new PlayOptions { Fps = fps, TurnBased = turnBased, Episodes = episodes, Seed = seed, Hud = !noHud };
            PlaySession Make(DemonstrationWriter? w) => new(env, w, options) { Log = Console.WriteLine };
            try
            {
                Make(null); // checks the key map and rendering before anything is written
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"play: {e.Message}");
            }
            var writer = recordDir is null ? null : DemonstrationWriter.For(recordDir, env);
            var session = Make(writer);
            Console.WriteLine($"playing {envId}{(turnBased ? " turn-based" : "")}; keys:");
            foreach (var line in session.HelpLines()) Console.WriteLine($"  {line}");
            Console.WriteLine(writer is null
                ? "not recording (use --record DIR to save episodes)"
                : $"recording to {Path.GetFullPath(writer.Directory)} ({writer.Manifest.Episodes.Count} episodes already there)");
            if (script is null)
            {
                session.Run();
            }
            else
            {
                var (w, h) = session.WindowSize;
                using var viewer = new Viewer(w, h, $"rl play {envId}");
                session.Run(viewer, script);
            }
            int saved = session.Completed;
            Console.WriteLine(writer is null
                ? $"{saved} episodes completed"
                : $"{saved} episodes saved to {writer.Directory} ({writer.Manifest.Episodes.Count} in all)");
            return 0;
        }
        catch (RenderingUnavailableException e)
        {
            Console.Error.WriteLine($"rl play: {e.Message}");
            return 1;
        }
        finally
        {
            env.Dispose();
        }
    }
}
