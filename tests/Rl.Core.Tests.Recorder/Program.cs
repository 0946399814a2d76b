using Rl.Core;
using Rl.Core.Demonstrations;
using Rl.Core.Spaces;

// Usage: Rl.Core.Tests.Recorder DIR
// Records 40-step episodes of 16x16x3 byte observations and Discrete(3) actions into DIR, forever, printing the number of
// completed episodes after each one; the test kills it at some moment and checks that every completed episode loads.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Rl.Core.Tests.Recorder DIR");
    return 2;
}
var observations = new Box<byte>(0, 255, 16, 16, 3);
var actions = new Discrete(3);
observations.Seed(1);
actions.Seed(2);
var writer = new DemonstrationWriter(args[0], "Recorder-v0", observations, actions);
for (int episode = 0; ; episode++)
{
    writer.BeginEpisode(observations.Sample(), seed: episode);
    for (int t = 0; t < 40; t++)
        writer.Record(actions.Sample(), observations.Sample(), 1.0, t == 39, false, Info.Of(("t", t)));
    writer.EndEpisode();
    Console.WriteLine(episode + 1);
}
