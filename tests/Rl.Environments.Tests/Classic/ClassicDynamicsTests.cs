using System.Globalization;
using Rl.Core;
using Rl.Environments.Classic;

namespace Rl.Environments.Tests.Classic;

/// <summary>
/// Pendulum, both mountain cars and Acrobot step for step against a reference written in Python from Gymnasium's equations
/// (start states from Debian's numpy generator, float32 casts spelled out as numpy 2 does them, libm's sin and cos as .NET
/// uses), over whole episodes with a policy that reaches the goal where there is one.
/// </summary>
public class ClassicDynamicsTests
{
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    // Prints, per step: the observation as float32 reprs, the reward, terminated; a line "reset" and the observation at each reset.
    private const string Prelude = """
        import math, numpy as np
        f32 = np.float32
        def gen(seed): return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        def show(obs, *rest): print(' '.join(repr(float(f32(v))) for v in obs) + ''.join(' ' + repr(float(r)) for r in rest))
        """;

    private static void AssertMatches<TAct>(string[] lines, Env<float[], TAct> env, int seed, int episodes, Func<float[], TAct> policy, OptionSet? options = null)
    {
        int line = 0;
        for (int e = 0; e < episodes; e++)
        {
            var obs = env.Reset(e == 0 ? seed : null, options).Observation;
            Assert.Equal(NumpyReference.Doubles(lines[line++]), obs.Select(v => (double)v));
            while (true)
            {
                var r = env.Step(policy(obs));
                obs = r.Observation;
                var expected = NumpyReference.Doubles(lines[line++]);
                var got = obs.Select(v => (double)v).Append(r.Reward).Append(r.Terminated ? 1 : 0).ToArray();
                Assert.True(expected.SequenceEqual(got), $"episode {e}, line {line}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", got)}]");
                if (r.Terminated) break;
                if (line < lines.Length && lines[line] == "end") { line++; break; }
            }
        }
        Assert.Equal(lines.Length, line);
    }

    [Fact]
    public void PendulumFollowsGymnasiumsEquationsOverWholeEpisodes()
    {
        // Torques k/64 (exact in float32) from a fixed pattern; 3 episodes of 200 steps, the 2nd and 3rd from unseeded resets.
        static float Torque(float[] obs) => (float)(Math.Round(64 * 2 * Math.Sin(7.0 * obs[2] + 3.0 * obs[1])) / 64);
        var lines = NumpyReference.Run(Prelude + "\n" + """
            g = gen(5)
            for e in range(3):
                th, thdot = g.uniform(np.array([-math.pi, -1.0]), np.array([math.pi, 1.0]))
                obs = [math.cos(th), math.sin(th), thdot]
                show(obs)
                for t in range(200):
                    o = [float(f32(v)) for v in obs]
                    u = f32(round(64 * 2 * math.sin(7 * o[2] + 3 * o[1])) / 64)
                    u = min(max(u, f32(-2.0)), f32(2.0))
                    norm = ((th + math.pi) % (2 * math.pi)) - math.pi
                    costs = norm ** 2 + 0.1 * thdot ** 2 + float(f32(0.001) * (u * u))
                    newthdot = thdot + (3 * 10.0 / (2 * 1.0) * math.sin(th) + float(f32(3.0) * u)) * 0.05
                    newthdot = min(max(newthdot, -8.0), 8.0)
                    th, thdot = th + newthdot * 0.05, newthdot
                    obs = [math.cos(th), math.sin(th), thdot]
                    show(obs, -costs, 0)
                print('end')
            """);
        var env = (PendulumEnv)Envs.Make(PendulumEnv.Id).Unwrapped;
        AssertMatchesFixedLength(lines, env, 5, 3, 200, obs => [Torque(obs)]);
    }

    private static void AssertMatchesFixedLength<TAct>(string[] lines, Env<float[], TAct> env, int seed, int episodes, int steps, Func<float[], TAct> policy)
    {
        int line = 0;
        for (int e = 0; e < episodes; e++)
        {
            var obs = env.Reset(e == 0 ? seed : null).Observation;
            Assert.Equal(NumpyReference.Doubles(lines[line++]), obs.Select(v => (double)v));
            for (int t = 0; t < steps; t++)
            {
                var r = env.Step(policy(obs));
                obs = r.Observation;
                var expected = NumpyReference.Doubles(lines[line++]);
                var got = obs.Select(v => (double)v).Append(r.Reward).Append(r.Terminated ? 1 : 0).ToArray();
                Assert.True(expected.SequenceEqual(got), $"episode {e}, step {t}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", got)}]");
            }
            Assert.Equal("end", lines[line++]);
        }
        Assert.Equal(lines.Length, line);
    }

    [Fact]
    public void MountainCarFollowsGymnasiumsEquationsToTheFlag()
    {
        // Energy pumping (accelerate the way the car moves) reaches the flag in well under 200 steps.
        static int Pump(float[] obs) => obs[1] >= 0 ? 2 : 0;
        var lines = NumpyReference.Run(Prelude + "\n" + """
            g = gen(3)
            for e in range(3):
                pos, vel = g.uniform(-0.6, -0.4), 0.0
                show([pos, vel])
                while True:
                    a = 2 if f32(vel) >= 0 else 0
                    vel = vel + ((a - 1) * 0.001 + math.cos(3 * pos) * (-0.0025))
                    vel = min(max(vel, -0.07), 0.07)
                    pos = min(max(pos + vel, -1.2), 0.6)
                    if pos == -1.2 and vel < 0: vel = 0.0
                    done = pos >= 0.5 and vel >= 0
                    show([pos, vel], -1.0, int(done))
                    if done: break
            """);
        AssertMatches(lines, (MountainCarEnv)Envs.Make(MountainCarEnv.Id).Unwrapped, 3, 3, Pump);
    }

    [Fact]
    public void ContinuousMountainCarFollowsGymnasiumsFloat32StepsToTheFlag()
    {
        // Push with force 0.75 the way the car moves (0.75 is exact in float32); reaches 0.45 within the 999 steps.
        static float[] Push(float[] obs) => [obs[1] >= 0 ? 0.75f : -0.75f];
        var lines = NumpyReference.Run(Prelude + "\n" + """
            g = gen(11)
            for e in range(3):
                pos, vel = g.uniform(-0.6, -0.4), 0.0   # float64 until the first step stores float32
                first = True
                show([pos, vel])
                while True:
                    force = f32(0.75) if f32(vel) >= 0 else f32(-0.75)
                    three_x = 3 * pos if first else float(f32(3) * f32(pos))
                    accel = f32(force * f32(0.0015)) - f32(0.0025 * math.cos(three_x))
                    vel = vel + float(accel) if first else float(f32(vel) + accel)
                    vel_f32 = not first
                    if (f32(vel) > f32(0.07)) if vel_f32 else (vel > 0.07): vel, vel_f32 = 0.07, False
                    if (f32(vel) < f32(-0.07)) if vel_f32 else (vel < -0.07): vel, vel_f32 = -0.07, False
                    pos = pos + vel if first else float(f32(pos) + f32(vel))
                    pos_f32 = not first
                    if (f32(pos) > f32(0.6)) if pos_f32 else (pos > 0.6): pos, pos_f32 = 0.6, False
                    if (f32(pos) < f32(-1.2)) if pos_f32 else (pos < -1.2): pos, pos_f32 = -1.2, False
                    if ((f32(pos) == f32(-1.2)) if pos_f32 else (pos == -1.2)) and vel < 0: vel = 0.0
                    done = ((f32(pos) >= f32(0.45)) if pos_f32 else (pos >= 0.45)) and vel >= 0
                    reward = (100.0 if done else 0) - math.pow(float(force), 2) * 0.1
                    pos, vel, first = float(f32(pos)), float(f32(vel)), False
                    show([pos, vel], reward, int(done))
                    if done: break
            """);
        AssertMatches(lines, (ContinuousMountainCarEnv)Envs.Make(ContinuousMountainCarEnv.Id).Unwrapped, 11, 3, Push);
    }

    [Fact]
    public void AcrobotFollowsGymnasiumsRungeKuttaStepToTheGoal()
    {
        // Torque with the first joint's velocity (energy pumping) until the tip clears the line.
        static int Pump(float[] obs) => obs[4] > 0 ? 2 : obs[4] < 0 ? 0 : 1;
        var lines = NumpyReference.Run(Prelude + "\n" + """
            def dsdt(y):
                t1, t2, d1_, d2_, a = y
                d1 = 1.0 * 0.5 ** 2 + 1.0 * (1.0 ** 2 + 0.5 ** 2 + 2 * 1.0 * 0.5 * math.cos(t2)) + 1.0 + 1.0
                d2 = 1.0 * (0.5 ** 2 + 1.0 * 0.5 * math.cos(t2)) + 1.0
                phi2 = 1.0 * 0.5 * 9.8 * math.cos(t1 + t2 - math.pi / 2.0)
                phi1 = (-1.0 * 1.0 * 0.5 * d2_ ** 2 * math.sin(t2) - 2 * 1.0 * 1.0 * 0.5 * d2_ * d1_ * math.sin(t2)
                        + (1.0 * 0.5 + 1.0 * 1.0) * 9.8 * math.cos(t1 - math.pi / 2) + phi2)
                dd2 = (a + d2 / d1 * phi1 - 1.0 * 1.0 * 0.5 * d1_ ** 2 * math.sin(t2) - phi2) / (1.0 * 0.5 ** 2 + 1.0 - d2 ** 2 / d1)
                dd1 = -(d2 * dd2 + phi1) / d1
                return [d1_, d2_, dd1, dd2, 0.0]
            def wrap(x):
                while x > math.pi: x = x - 2 * math.pi
                while x < -math.pi: x = x + 2 * math.pi
                return x
            g = gen(2)
            for e in range(2):
                s = [float(v) for v in g.uniform(-0.1, 0.1, size=(4,)).astype(np.float32)]
                obs = lambda: [math.cos(s[0]), math.sin(s[0]), math.cos(s[1]), math.sin(s[1]), s[2], s[3]]
                show(obs())
                for t in range(500):
                    o4 = f32(s[2])
                    y = s + [[-1.0, 0.0, 1.0][2 if o4 > 0 else 0 if o4 < 0 else 1]]
                    k1 = dsdt(y)
                    k2 = dsdt([y[i] + 0.1 * k1[i] for i in range(5)])
                    k3 = dsdt([y[i] + 0.1 * k2[i] for i in range(5)])
                    k4 = dsdt([y[i] + 0.2 * k3[i] for i in range(5)])
                    n = [y[i] + 0.2 / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) for i in range(4)]
                    s = [wrap(n[0]), wrap(n[1]), min(max(n[2], -4 * math.pi), 4 * math.pi), min(max(n[3], -9 * math.pi), 9 * math.pi)]
                    done = -math.cos(s[0]) - math.cos(s[1] + s[0]) > 1.0
                    show(obs(), 0.0 if done else -1.0, int(done))
                    if done: break
                if not done: print('end')
            """);
        AssertMatches(lines, (AcrobotEnv)Envs.Make(AcrobotEnv.Id).Unwrapped, 2, 2, Pump);
    }
}
