using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.Arcade;

/// <summary>
/// A small Breakout that a conv-net can learn from pixels on a CPU: a paddle, a ball and a wall of 8 x 6 bricks on a
/// 64 x 64 field (<see cref="BreakoutGame"/> has the rules). The ball starts moving by itself (no fire button).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Item</term><description>Definition</description></listheader>
/// <item><term>Ids</term><description><c>BreakoutState-v0</c> (this class, state observations); <c>Breakout-v0</c> (the same
/// seen as 64 x 64 RGB frames, one pixel per field pixel; registered where the renderer is available, see
/// <see cref="ArcadeEnvs"/>).</description></item>
/// <item><term>Action space</term><description><c>Discrete(3)</c>: 0 stay, 1 move the paddle left, 2 move it right (2.5 px per step).</description></item>
/// <item><term>Observation space</term><description><c>Box(float32, (54,))</c>: paddle x / 64, ball x / 64, ball y / 64, ball
/// x and y velocity / ball speed, lives left / initial lives, then one 0/1 flag per brick (row-major from the bottom row).</description></item>
/// <item><term>Picture</term><description>Black field, bricks coloured by row (red at the top), a light blue 10 x 2 paddle,
/// a white 2 x 2 ball and a grey copy where it was one step earlier (so a single frame shows where it is going), one white
/// dot per life left at the top left.</description></item>
/// <item><term>Start state</term><description>The full wall, paddle centred, a ball at a random x in [16, 48] at y = 30
/// falling 20-50° from vertical.</description></item>
/// <item><term>Reward</term><description>+1 per brick removed (48 in all); plus option <c>hit_reward</c> (default 0) per
/// return of the ball off the paddle, and option <c>track_reward</c> (default 0) times 1 − |ball x − paddle x| / 64 per step:
/// denser signals for short learning budgets (the info's <c>score</c> stays the bricks).</description></item>
/// <item><term>Termination</term><description>The last life is lost (option <c>lives</c>, default 3; <c>lives=1</c> gives
/// shorter episodes and a denser learning signal) or every brick is gone.</description></item>
/// <item><term>Truncation</term><description>2,000 steps (a TimeLimit added by the registry).</description></item>
/// <item><term>Info</term><description><c>lives</c>, <c>score</c> (bricks removed), <c>bricks_left</c>, <c>paddle_hits</c>
/// (option <c>step_info</c>, default true; false: <see cref="Info.Empty"/>). An info is immutable and shared: a step returns
/// the previous step's info while the four counters stay the same, and otherwise the info that a process-wide table holds
/// for the new combination, shared by every Breakout instance and thread. A reset or step therefore allocates only when its
/// counters reach a combination that no Breakout in the process has reported before (the new info, 88 bytes, and its table entry,
/// 48, plus now and then the table's growth) or, once the table holds <see cref="InfoTableCapacity"/> combinations, one that is not in
/// it (the new info only). Random play meets about 100 combinations in 300,000 steps and a player that follows the ball
/// about 500, far below the capacity, so once they were seen a step allocates nothing.</description></item>
/// </list>
/// </remarks>
public sealed partial class BreakoutEnv : Env<float[], int>
{
    /// <summary>The registered id of the state-observation variant.</summary>
    public const string Id = "BreakoutState-v0";

    /// <summary>The length of the state observation.</summary>
    public const int ObservationSize = 6 + BreakoutGame.Rows * BreakoutGame.Columns;

    /// <summary>The keyword options the constructor accepts.</summary>
    public static readonly IReadOnlyDictionary<string, string> KwargDocs = new Dictionary<string, string>
    {
        ["lives"] = "int in [1, 99], default 3: balls that may be lost before the episode terminates",
        ["paddle_width"] = "number in [2, 40], default 10: paddle width in pixels",
        ["paddle_speed"] = "number in (0, 8], default 2.5: pixels the paddle moves per step",
        ["ball_speed"] = "number in [0.25, 4], default 1.5: pixels the ball moves per step",
        ["trail"] = "bool, default true: draw where the ball was one step earlier",
        ["hit_reward"] = "number in [0, 10], default 0: reward per return of the ball off the paddle (added to +1 per brick)",
        ["track_reward"] = "number in [0, 10], default 0: per-step reward track_reward * (1 - |ball x - paddle x| / 64)",
        ["step_info"] = "bool, default true: return the info (lives, score, bricks left, paddle hits) from reset and step; the infos are immutable and shared, so a step allocates only when they change to a combination that no Breakout in the process has reported before or that found the shared table of 8,192 combinations full; false: empty",
    };

    private static readonly Discrete Actions = new(3);
    private readonly Box<float> _observationSpace;

    /// <summary>Creates the environment.</summary>
    /// <exception cref="ArgumentException">If an option is invalid.</exception>
    public BreakoutEnv(BreakoutOptions? options = null)
    {
        Game = new BreakoutGame(options);
        var low = new float[ObservationSize];
        var high = new float[ObservationSize];
        Array.Fill(high, 1f);
        (low[2], high[2]) = (-0.25f, 1f);
        (low[3], low[4]) = (-1f, -1f);
        _observationSpace = new Box<float>(low, high);
    }

    /// <summary>Creates the environment from keyword options (see <see cref="KwargDocs"/>).</summary>
    /// <exception cref="ArgumentException">If an option is unknown or invalid.</exception>
    public static BreakoutEnv FromKwargs(OptionSet kwargs)
    {
        kwargs.EnsureOnly(KwargDocs.Keys.ToList(), Id);
        var d = new BreakoutOptions();
        var options = new BreakoutOptions
        {
            Lives = kwargs.GetInt("lives", d.Lives),
            PaddleWidth = kwargs.GetDouble("paddle_width", d.PaddleWidth),
            PaddleSpeed = kwargs.GetDouble("paddle_speed", d.PaddleSpeed),
            BallSpeed = kwargs.GetDouble("ball_speed", d.BallSpeed),
            Trail = kwargs.GetBool("trail", d.Trail),
            HitReward = kwargs.GetDouble("hit_reward", d.HitReward),
            TrackReward = kwargs.GetDouble("track_reward", d.TrackReward),
            StepInfo = kwargs.GetBool("step_info", d.StepInfo),
        };
        options.Validate(Id);
        return new BreakoutEnv(options);
    }

    /// <summary>The game state and rules (set positions here in tests; the environment steps it).</summary>
    public BreakoutGame Game { get; }

    /// <inheritdoc />
    public override Space<float[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<int> ActionSpace => Actions;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; } = new(["rgb_array", "human"], 30);

    /// <inheritdoc />
    protected override ResetResult<float[]> ResetCore(OptionSet options, float[]? into)
    {
        Game.Reset(Random);
        return new ResetResult<float[]>(WriteObservation(into), MakeInfo());
    }

    /// <inheritdoc />
    protected override StepResult<float[]> StepCore(int action, float[]? into)
    {
        int hits = Game.PaddleHits;
        int removed = Game.Step(action, Random);
        var o = Game.Options;
        double reward = removed + o.HitReward * (Game.PaddleHits - hits)
            + o.TrackReward * (1 - Math.Abs(Game.BallX - Game.PaddleX) / BreakoutGame.Size);
        return new StepResult<float[]>(WriteObservation(into), reward, Game.Over, false, MakeInfo());
    }

    /// <summary>The keys of Breakout's info, in order: <c>lives</c>, <c>score</c>, <c>bricks_left</c>, <c>paddle_hits</c>.</summary>
    public static readonly InfoKeys StepInfoKeys = new("lives", "score", "bricks_left", "paddle_hits");

    /// <summary>
    /// How many counter combinations (lives, score, bricks left, paddle hits) the process-wide table of Breakout infos holds
    /// at most (about 150 bytes each, 1.2 MB full). Once it is full, a combination not in it costs a new info at each change.
    /// </summary>
    public const int InfoTableCapacity = 8192;

    // The info of the last step, kept while its four counters stay the same: they change only when the ball hits the paddle or
    // a brick or is lost, so most steps return the same (immutable) info. A change looks the counters up in InfoTable.
    private Info? _info;
    private (int Lives, int Score, int BricksLeft, int PaddleHits) _infoValues;

    private Info MakeInfo()
    {
        if (!Game.Options.StepInfo) return Info.Empty;
        var values = (Game.Lives, Game.Score, Game.BricksLeft, Game.PaddleHits);
        if (_info is not null && values == _infoValues) return _info;
        _infoValues = values;
        return _info = InfoTable.Get(values.Lives, values.Score, values.BricksLeft, values.PaddleHits);
    }

    // The infos of every counter combination a Breakout in this process has reported (up to InfoTableCapacity), shared by all
    // instances and threads: an info never changes, so handing one instance to every step (of any environment) that reports
    // the same counters is safe, and a step whose counters were seen before allocates nothing. A combination not stored
    // (the table is full, or a counter out of the packed range) gets a new info: its values array and the info, 88 bytes
    // (the int boxes are shared).
    private static class InfoTable
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<long, Info> Infos = new();
        private static int _count;

        public static Info Get(int lives, int score, int bricksLeft, int paddleHits)
        {
            if (lives is < 0 or > byte.MaxValue || score is < 0 or > byte.MaxValue || bricksLeft is < 0 or > byte.MaxValue || paddleHits < 0)
                return New(lives, score, bricksLeft, paddleHits);
            long key = ((long)paddleHits << 24) | ((long)lives << 16) | ((long)score << 8) | (long)bricksLeft;
            if (Infos.TryGetValue(key, out var info)) return info;
            info = New(lives, score, bricksLeft, paddleHits);
            // A place is reserved before the info is stored, so the table never holds more than InfoTableCapacity infos.
            if (Volatile.Read(ref _count) >= InfoTableCapacity) return info;
            if (Interlocked.Increment(ref _count) > InfoTableCapacity)
            {
                Interlocked.Decrement(ref _count);
                return info;
            }
            if (Infos.TryAdd(key, info)) return info;
            Interlocked.Decrement(ref _count);
            return Infos.TryGetValue(key, out var other) ? other : info; // another thread stored it first
        }

        private static Info New(int lives, int score, int bricksLeft, int paddleHits) =>
            StepInfoKeys.Create(Info.BoxedInt(lives), Info.BoxedInt(score), Info.BoxedInt(bricksLeft), Info.BoxedInt(paddleHits));
    }

    private float[] WriteObservation(float[]? into)
    {
        var obs = into ?? new float[ObservationSize];
        if (obs.Length != ObservationSize)
            throw new ArgumentException($"{Name}: the observation buffer has {obs.Length} elements but the observation space {_observationSpace} needs {ObservationSize}", nameof(into));
        var g = Game;
        double speed = g.Options.BallSpeed;
        obs[0] = (float)(g.PaddleX / BreakoutGame.Size);
        obs[1] = (float)(g.BallX / BreakoutGame.Size);
        obs[2] = (float)Math.Max(-0.25, g.BallY / BreakoutGame.Size);
        obs[3] = (float)Math.Clamp(g.BallVX / speed, -1, 1);
        obs[4] = (float)Math.Clamp(g.BallVY / speed, -1, 1);
        obs[5] = (float)g.Lives / g.Options.Lives;
        var bricks = g.Bricks;
        for (int i = 0; i < bricks.Length; i++) obs[6 + i] = bricks[i] ? 1f : 0f;
        return obs;
    }
}
