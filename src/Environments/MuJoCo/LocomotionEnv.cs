using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.MuJoCo;

/// <summary>The reward components and position of the last step of a <see cref="LocomotionEnv"/>.</summary>
/// <param name="XPosition">The torso's x position (qpos[0]) after the step.</param>
/// <param name="XVelocity">(x after − x before) / <see cref="LocomotionEnv.Dt"/>.</param>
/// <param name="RewardForward">forward_reward_weight · XVelocity.</param>
/// <param name="RewardCtrl">Minus the control cost: −ctrl_cost_weight · Σ action².</param>
/// <param name="RewardSurvive">The healthy bonus (0 when unhealthy, and always 0 for environments without one).</param>
/// <param name="Healthy">Whether the state was inside the healthy ranges after the step.</param>
public readonly record struct LocomotionStep(
    double XPosition, double XVelocity, double RewardForward, double RewardCtrl, double RewardSurvive, bool Healthy);

/// <summary>
/// The shared machinery of the planar MuJoCo locomotion environments, following the way Gymnasium defines Hopper, Walker2d,
/// HalfCheetah and Swimmer: torque actions in [-1, 1] held for <c>frame_skip</c> MuJoCo steps; observation = positions without
/// the absolute x (and y) followed by velocities, as float64; reward = forward_reward_weight · x velocity + healthy bonus −
/// ctrl_cost_weight · Σ action²; termination when the state leaves the healthy ranges; reset = default pose plus seeded noise.
/// </summary>
/// <remarks>
/// <see cref="Model"/> and <see cref="Data"/> expose the simulation (for rendering and analysis; Gymnasium's
/// <c>env.unwrapped.model/data</c>). <see cref="MjData.CfrcExt"/> is not refreshed by a step: call
/// <see cref="MjData.RnePostConstraint"/> first when contact forces are wanted.
/// </remarks>
public abstract partial class LocomotionEnv : Env<double[], float[]>
{
    private readonly MjModel _model;
    private readonly MjData _data;
    private readonly Box<double> _observationSpace;
    private readonly Box<float> _actionSpace;
    private readonly int _positionsExcluded;
    private readonly double _forwardWeight, _ctrlWeight, _healthyReward, _noise;
    private readonly bool _terminateWhenUnhealthy, _stepInfo;

    /// <summary>Loads the model and sets up the spaces.</summary>
    /// <param name="id">The environment id, for messages.</param>
    /// <param name="modelName">One of <see cref="MuJoCoModels.Names"/>.</param>
    /// <param name="options">Settings; unset ones come from <paramref name="defaults"/>.</param>
    /// <param name="defaults">The environment's defaults, with every property set.</param>
    /// <param name="absolutePositions">How many leading qpos entries are absolute positions (x; x and y for the swimmer).</param>
    /// <exception cref="ArgumentException">If a setting is out of range.</exception>
    protected LocomotionEnv(string id, string modelName, LocomotionOptions? options, LocomotionOptions defaults, int absolutePositions)
    {
        EnvId = id;
        Options = (options ?? new LocomotionOptions()).WithDefaults(defaults);
        Validate(Options, id);
        _forwardWeight = Options.ForwardRewardWeight!.Value;
        _ctrlWeight = Options.CtrlCostWeight!.Value;
        _healthyReward = Options.HealthyReward ?? 0.0;
        _terminateWhenUnhealthy = Options.TerminateWhenUnhealthy ?? false;
        _noise = Options.ResetNoiseScale!.Value;
        _stepInfo = Options.StepInfo!.Value;
        FrameSkip = Options.FrameSkip!.Value;
        _positionsExcluded = Options.ExcludeCurrentPositionsFromObservation!.Value ? absolutePositions : 0;

        _model = MjModel.FromXmlString(MuJoCoModels.GetXml(modelName), $"{id} model ({modelName})");
        try
        {
            _data = _model.MakeData();
        }
        catch
        {
            _model.Dispose();
            throw;
        }
        Dt = _model.Timestep * FrameSkip;
        int obsSize = _model.Nq - _positionsExcluded + _model.Nv;
        _observationSpace = new Box<double>(double.NegativeInfinity, double.PositiveInfinity, obsSize);
        _actionSpace = new Box<float>(-1f, 1f, _model.Nu);
        Metadata = new EnvMetadata(["rgb_array", "human"], (int)Math.Round(1.0 / Dt));
    }

    private static void Validate(LocomotionOptions o, string id)
    {
        static void Finite(double? x, string key, string id)
        {
            if (x is double d && !double.IsFinite(d)) throw new ArgumentException($"{id}: option '{key}' = {d} must be finite");
        }
        static void Range((double Low, double High)? r, string key, string id)
        {
            if (r is { } v && !(v.Low <= v.High))
                throw new ArgumentException($"{id}: option '{key}' = ({v.Low}, {v.High}) needs low <= high");
        }
        Finite(o.ForwardRewardWeight, LocomotionOptions.Keys.ForwardRewardWeight, id);
        Finite(o.CtrlCostWeight, LocomotionOptions.Keys.CtrlCostWeight, id);
        Finite(o.HealthyReward, LocomotionOptions.Keys.HealthyReward, id);
        Finite(o.ResetNoiseScale, LocomotionOptions.Keys.ResetNoiseScale, id);
        if (o.ResetNoiseScale < 0) throw new ArgumentException($"{id}: option '{LocomotionOptions.Keys.ResetNoiseScale}' = {o.ResetNoiseScale} must not be negative");
        if (o.FrameSkip < 1) throw new ArgumentException($"{id}: option '{LocomotionOptions.Keys.FrameSkip}' = {o.FrameSkip} must be at least 1");
        Range(o.HealthyStateRange, LocomotionOptions.Keys.HealthyStateRange, id);
        Range(o.HealthyZRange, LocomotionOptions.Keys.HealthyZRange, id);
        Range(o.HealthyAngleRange, LocomotionOptions.Keys.HealthyAngleRange, id);
    }

    /// <summary>The environment id used in messages.</summary>
    protected string EnvId { get; }

    /// <summary>The settings in effect, with every default filled in.</summary>
    public LocomotionOptions Options { get; }

    /// <summary>The compiled MuJoCo model.</summary>
    public MjModel Model => _model;

    /// <summary>The simulation state (read it freely; writing it changes the episode).</summary>
    public MjData Data => _data;

    /// <summary>MuJoCo steps per environment step.</summary>
    public int FrameSkip { get; }

    /// <summary>Seconds of simulated time per environment step: the model's timestep times <see cref="FrameSkip"/>.</summary>
    public double Dt { get; }

    /// <summary>The reward components of the last step (zero before the first step of an episode).</summary>
    public LocomotionStep LastStep { get; private set; }

    /// <inheritdoc />
    public override Space<double[]> ObservationSpace => _observationSpace;

    /// <inheritdoc />
    public override Space<float[]> ActionSpace => _actionSpace;

    /// <inheritdoc />
    public override EnvMetadata Metadata { get; }

    /// <summary>Velocities are clipped to ±this in the observation (Gymnasium clips the hopper's and walker's to ±10).</summary>
    protected virtual double ObservationVelocityClip => double.PositiveInfinity;

    /// <summary>Whether the reset noise on velocities is Gaussian (scale · N(0, 1)) rather than uniform in ±scale.</summary>
    protected virtual bool GaussianVelocityNoise => false;

    /// <summary>Whether the current state is inside the healthy ranges; environments that never terminate return true.</summary>
    protected virtual bool IsHealthy() => true;

    /// <inheritdoc />
    protected override ResetResult<double[]> ResetCore(OptionSet options, double[]? into)
    {
        _data.Reset();
        var rng = Random;
        Span<double> qpos = _data.Qpos, qvel = _data.Qvel;
        for (int i = 0; i < qpos.Length; i++) qpos[i] += rng.Uniform(-_noise, _noise);
        for (int i = 0; i < qvel.Length; i++) qvel[i] = GaussianVelocityNoise ? _noise * rng.NextGaussian() : rng.Uniform(-_noise, _noise);
        _data.Forward();
        LastStep = new LocomotionStep(qpos[0], 0, 0, 0, 0, IsHealthy());
        var info = _stepInfo ? Info.Of(("x_position", qpos[0])) : Info.Empty;
        return new ResetResult<double[]>(WriteObservation(into), info);
    }

    /// <inheritdoc />
    protected override StepResult<double[]> StepCore(float[] action, double[]? into)
    {
        Span<double> ctrl = _data.Ctrl;
        double sumSquares = 0;
        for (int i = 0; i < ctrl.Length; i++)
        {
            double a = action[i];
            ctrl[i] = a;
            sumSquares += a * a;
        }
        double xBefore = _data.Qpos[0];
        _data.Step(FrameSkip);
        CheckStable();
        double xAfter = _data.Qpos[0];

        double xVelocity = (xAfter - xBefore) / Dt;
        bool healthy = IsHealthy();
        double forward = _forwardWeight * xVelocity;
        double survive = healthy ? _healthyReward : 0.0;
        double ctrlCost = _ctrlWeight * sumSquares;
        // Summed in Gymnasium's order: (forward + healthy) - control cost.
        double reward = forward + survive - ctrlCost;
        bool terminated = _terminateWhenUnhealthy && !healthy;
        LastStep = new LocomotionStep(xAfter, xVelocity, forward, -ctrlCost, survive, healthy);

        var info = _stepInfo
            ? Info.Of(("x_position", xAfter), ("x_velocity", xVelocity), ("reward_forward", forward), ("reward_ctrl", -ctrlCost),
                ("reward_survive", survive))
            : Info.Empty;
        return new StepResult<double[]>(WriteObservation(into), reward, terminated, false, info);
    }

    private void CheckStable()
    {
        // MuJoCo answers NaN or huge values by resetting the data and counting a warning: continuing would silently teleport
        // the body back to its start, so stop with a clear message instead.
        if (_data.WarningCount(MjWarning.BadQpos) + _data.WarningCount(MjWarning.BadQvel) + _data.WarningCount(MjWarning.BadQacc) > 0)
            throw new MuJoCoException($"{Name}: the simulation became unstable and MuJoCo reset its state ({MuJoCoLibrary.LastWarning ?? "no message"}); reset the environment");
    }

    private double[] WriteObservation(double[]? into)
    {
        int size = _observationSpace.Size;
        var obs = into ?? new double[size];
        if (obs.Length != size)
            throw new ArgumentException($"{Name}: the observation buffer has {obs.Length} elements but the observation space {_observationSpace} needs {size}", nameof(into));
        ReadOnlySpan<double> qpos = _data.Qpos, qvel = _data.Qvel;
        qpos[_positionsExcluded..].CopyTo(obs);
        int offset = qpos.Length - _positionsExcluded;
        double clip = ObservationVelocityClip;
        for (int i = 0; i < qvel.Length; i++) obs[offset + i] = Math.Clamp(qvel[i], -clip, clip);
        return obs;
    }

    /// <summary>Whether every element of <paramref name="values"/> lies strictly inside (low, high).</summary>
    protected static bool AllInside(ReadOnlySpan<double> values, (double Low, double High) range)
    {
        foreach (double v in values)
            if (!(range.Low < v && v < range.High)) return false;
        return true;
    }

    /// <summary>Whether <paramref name="value"/> lies strictly inside (low, high).</summary>
    protected static bool Inside(double value, (double Low, double High) range) => range.Low < value && value < range.High;

    /// <inheritdoc />
    public override void Dispose()
    {
        _data.Dispose();
        _model.Dispose();
        base.Dispose();
    }
}
