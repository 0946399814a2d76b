using Rl.Core;
using Rl.Core.Spaces;

namespace Rl.Environments.MuJoCo;

/// <summary>The reward components and position of the last step of a <see cref="LocomotionEnv"/>.</summary>
/// <param name="XPosition">The torso's x position (qpos[0]) after the step.</param>
/// <param name="XVelocity">(x after − x before) / <see cref="MuJoCoEnv.Dt"/>.</param>
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
/// <see cref="MuJoCoEnv.Model"/> and <see cref="MuJoCoEnv.Data"/> expose the simulation (for rendering and analysis; Gymnasium's
/// <c>env.unwrapped.model/data</c>). <see cref="MjData.CfrcExt"/> is not refreshed by a step: call
/// <see cref="MjData.RnePostConstraint"/> first when contact forces are wanted.
/// </remarks>
public abstract class LocomotionEnv : MuJoCoEnv
{
    private readonly Box<double> _observationSpace;
    private readonly int _positionsExcluded;
    private readonly double _forwardWeight, _ctrlWeight, _healthyReward, _noise;
    private readonly bool _terminateWhenUnhealthy, _stepInfo;

    /// <summary>Loads the model and sets up the spaces.</summary>
    /// <param name="id">The environment id, for messages.</param>
    /// <param name="modelName">One of <see cref="MuJoCoModels.Names"/>, used unless the options name an <c>xml_file</c>.</param>
    /// <param name="options">Settings; unset ones come from <paramref name="defaults"/>.</param>
    /// <param name="defaults">The environment's defaults, with every property set.</param>
    /// <param name="absolutePositions">How many leading qpos entries are absolute positions (x; x and y for the swimmer).</param>
    /// <exception cref="ArgumentException">If a setting is out of range or the model file cannot be read.</exception>
    /// <exception cref="MuJoCoException">If MuJoCo rejects the model file, or it has too few coordinates for this environment.</exception>
    protected LocomotionEnv(string id, string modelName, LocomotionOptions? options, LocomotionOptions defaults, int absolutePositions)
        : base(id, modelName, Resolve(options, defaults, id))
    {
        _forwardWeight = Options.ForwardRewardWeight!.Value;
        _ctrlWeight = Options.CtrlCostWeight!.Value;
        _healthyReward = Options.HealthyReward ?? 0.0;
        _terminateWhenUnhealthy = Options.TerminateWhenUnhealthy ?? false;
        _noise = Options.ResetNoiseScale!.Value;
        _stepInfo = Options.StepInfo!.Value;
        _positionsExcluded = Options.ExcludeCurrentPositionsFromObservation!.Value ? absolutePositions : 0;
        if (Model.Nq < absolutePositions + 1)
            throw Fail($"{id}: the model from {Model.Source} has {Model.Nq} position coordinates; this environment needs at least {absolutePositions + 1} (the root's planar pose first)");
        int obsSize = Model.Nq - _positionsExcluded + Model.Nv;
        _observationSpace = new Box<double>(double.NegativeInfinity, double.PositiveInfinity, obsSize);
    }

    /// <summary>The reward components of the last step (zero before the first step of an episode).</summary>
    public LocomotionStep LastStep { get; private set; }

    /// <inheritdoc />
    public override Space<double[]> ObservationSpace => _observationSpace;

    /// <summary>Velocities are clipped to ±this in the observation (Gymnasium clips the hopper's and walker's to ±10).</summary>
    protected virtual double ObservationVelocityClip => double.PositiveInfinity;

    /// <summary>Whether the reset noise on velocities is Gaussian (scale · N(0, 1)) rather than uniform in ±scale.</summary>
    protected virtual bool GaussianVelocityNoise => false;

    /// <summary>Whether the current state is inside the healthy ranges; environments that never terminate return true.</summary>
    protected virtual bool IsHealthy() => true;

    /// <inheritdoc />
    protected override ResetResult<double[]> ResetCore(OptionSet options, double[]? into)
    {
        ResetWithNoise(_noise, _noise, GaussianVelocityNoise);
        Data.Forward();
        double x = Data.Qpos[0];
        LastStep = new LocomotionStep(x, 0, 0, 0, 0, IsHealthy());
        var info = _stepInfo ? Info.Of(("x_position", x)) : Info.Empty;
        return new ResetResult<double[]>(WriteObservation(into), info);
    }

    /// <inheritdoc />
    protected override StepResult<double[]> StepCore(float[] action, double[]? into)
    {
        double xBefore = Data.Qpos[0];
        double sumSquares = Simulate(action);
        double xAfter = Data.Qpos[0];

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

    private double[] WriteObservation(double[]? into)
    {
        var obs = ObservationBuffer(into, _observationSpace.Size);
        ReadOnlySpan<double> qpos = Data.Qpos, qvel = Data.Qvel;
        qpos[_positionsExcluded..].CopyTo(obs);
        int offset = qpos.Length - _positionsExcluded;
        double clip = ObservationVelocityClip;
        for (int i = 0; i < qvel.Length; i++) obs[offset + i] = Math.Clamp(qvel[i], -clip, clip);
        return obs;
    }
}
