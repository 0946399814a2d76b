using Rl.Core;
using Rl.Environments;
using Rl.Rendering.Input;
using Rl.Rendering.Play;

namespace Rl.Rendering.Tests;

/// <summary>The human expert of DAgger: the learner drives, scripted keys stand in for the person's.</summary>
[Collection("Display")]
public sealed class HumanExpertTests(XvfbDisplay display)
{
    // Drives the environment with a fixed action (the "learner") and asks the expert for a label at every state.
    private static List<object> Label(string id, string script, HumanExpertOptions options, object drive, int states)
    {
        using var env = Envs.Make(id);
        var expert = new HumanExpert(env, options with { Fps = options.Fps ?? 1000 }, keys: new KeyScript(script));
        try
        {
            var labels = new List<object>();
            var obs = env.ResetObject(seed: 2).Observation;
            expert.EpisodeStarted(env);
            for (int t = 0; t < states; t++)
            {
                labels.Add(expert.Label(env, obs));
                var step = env.StepObject(drive);
                obs = step.Observation;
                if (step.Terminated || step.Truncated)
                {
                    obs = env.ResetObject().Observation;
                    expert.EpisodeStarted(env);
                }
            }
            Assert.Equal(states, expert.Labels);
            return labels;
        }
        finally
        {
            expert.Dispose();
        }
    }

    [Fact]
    public void HeldKeysLabelEachVisitedStateInRealTime()
    {
        Assert.False(string.IsNullOrEmpty(display.Display));
        // LEFT x3, RIGHT x2, a frame with nothing held (cart-pole repeats the last push), RIGHT.
        var labels = Label("CartPole-v1", "LEFT *3\nRIGHT *2\n-\nRIGHT\n", new HumanExpertOptions(), drive: 0, states: 7);
        Assert.Equal([0, 0, 0, 1, 1, 1, 1], labels);
    }

    [Fact]
    public void PausedFramesLabelNothing()
    {
        // LEFT labels; P pauses; RIGHT x4 while paused labels nothing; P resumes with nothing held (repeat: 0); RIGHT.
        var labels = Label("CartPole-v1", "LEFT\nP\nRIGHT *4\nP\nRIGHT\n", new HumanExpertOptions(), drive: 1, states: 3);
        Assert.Equal([0, 0, 1], labels);
    }

    [Fact]
    public void TurnBasedWaitsForAPressPerStateAndEscStops()
    {
        var options = new HumanExpertOptions { TurnBased = true };
        var labels = Label("KartState-v0", "UP+LEFT *3\n- *2\nUP\nDOWN+RIGHT\n", options, drive: new[] { 0f, 1f, 0f }, states: 3);
        Assert.Equal([new[] { -1f, 1f, 0f }, new[] { 0f, 1f, 0f }, new[] { 1f, 0f, 1f }], labels.Cast<float[]>());

        // The script ends with ESC: the next label is refused by cancelling.
        var e = Assert.Throws<OperationCanceledException>(() => Label("KartState-v0", "UP\n", options, drive: new[] { 0f, 1f, 0f }, states: 2));
        Assert.Contains("ESC", e.Message);
    }
}
