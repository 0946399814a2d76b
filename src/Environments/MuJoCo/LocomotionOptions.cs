using System.Globalization;
using Rl.Core;

namespace Rl.Environments.MuJoCo;

/// <summary>
/// Settings of a MuJoCo environment, named after Gymnasium's (v5) keyword arguments for its MuJoCo environments. Every property is optional: null means the environment's own default (see each environment's <c>Defaults</c>), so
/// <c>new HopperEnv(new() { CtrlCostWeight = 0.01 })</c> changes one thing only. Settings an environment does not use (e.g. the
/// healthy ranges for the cheetah) are ignored by it; through the registry they are rejected as unknown keyword options.
/// </summary>
public sealed record LocomotionOptions
{
    /// <summary>Weight of the forward velocity term (kwarg <c>forward_reward_weight</c>).</summary>
    public double? ForwardRewardWeight { get; init; }

    /// <summary>Weight of the control cost, times the sum of squared actions (kwarg <c>ctrl_cost_weight</c>).</summary>
    public double? CtrlCostWeight { get; init; }

    /// <summary>Bonus per step while healthy (kwarg <c>healthy_reward</c>).</summary>
    public double? HealthyReward { get; init; }

    /// <summary>Whether leaving the healthy ranges terminates the episode (kwarg <c>terminate_when_unhealthy</c>).</summary>
    public bool? TerminateWhenUnhealthy { get; init; }

    /// <summary>Open range every element of qpos[2:] and qvel must stay in to be healthy (kwarg <c>healthy_state_range</c>).</summary>
    public (double Low, double High)? HealthyStateRange { get; init; }

    /// <summary>Open range of the torso height qpos[1] to be healthy (kwarg <c>healthy_z_range</c>).</summary>
    public (double Low, double High)? HealthyZRange { get; init; }

    /// <summary>Open range of the torso pitch qpos[2] (radians) to be healthy (kwarg <c>healthy_angle_range</c>).</summary>
    public (double Low, double High)? HealthyAngleRange { get; init; }

    /// <summary>Scale of the noise added to the default pose and to zero velocity at reset (kwarg <c>reset_noise_scale</c>).</summary>
    public double? ResetNoiseScale { get; init; }

    /// <summary>Whether the observation leaves out the absolute position(s) (kwarg <c>exclude_current_positions_from_observation</c>).</summary>
    public bool? ExcludeCurrentPositionsFromObservation { get; init; }

    /// <summary>MuJoCo steps per environment step, with the action held (kwarg <c>frame_skip</c>).</summary>
    public int? FrameSkip { get; init; }

    /// <summary>
    /// Whether each step's info carries the reward components (kwarg <c>step_info</c>; default true as in Gymnasium). Building
    /// the info allocates; with false every step returns <see cref="Info.Empty"/> and, with an <c>into</c> buffer, allocates
    /// nothing. The components stay readable through the environment's <c>LastStep</c> either way.
    /// </summary>
    public bool? StepInfo { get; init; }

    /// <summary>
    /// The MJCF model to simulate instead of the shipped one (kwarg <c>xml_file</c>): a file path, or the name of a shipped model.
    /// The model must have the root's planar pose first in qpos, as the shipped one does; see docs/mujoco.md for running
    /// Gymnasium's own model files.
    /// </summary>
    public string? XmlFile { get; init; }

    /// <summary>How the environment is drawn (kwarg <c>renderer</c>: <c>mujoco</c>, the default, or <c>sketch</c>).</summary>
    public MuJoCoRendererKind? Renderer { get; init; }

    /// <summary>Weight of the contact cost (kwarg <c>contact_cost_weight</c>; Ant, Humanoid).</summary>
    public double? ContactCostWeight { get; init; }

    /// <summary>Range the contact cost is clipped to (kwarg <c>contact_cost_range</c>; Humanoid).</summary>
    public (double Low, double High)? ContactCostRange { get; init; }

    /// <summary>Range each external contact force is clipped to, in the cost and the observation (kwarg <c>contact_force_range</c>; Ant).</summary>
    public (double Low, double High)? ContactForceRange { get; init; }

    /// <summary>Whether the observation ends with the bodies' external contact forces <c>cfrc_ext</c> (kwarg <c>include_cfrc_ext_in_observation</c>; Ant, Humanoid).</summary>
    public bool? IncludeCfrcExtInObservation { get; init; }

    /// <summary>Whether the observation has the bodies' com-based inertias <c>cinert</c> (kwarg <c>include_cinert_in_observation</c>; Humanoid).</summary>
    public bool? IncludeCinertInObservation { get; init; }

    /// <summary>Whether the observation has the bodies' com-based velocities <c>cvel</c> (kwarg <c>include_cvel_in_observation</c>; Humanoid).</summary>
    public bool? IncludeCvelInObservation { get; init; }

    /// <summary>Whether the observation has the actuator forces on the joints <c>qfrc_actuator</c> (kwarg <c>include_qfrc_actuator_in_observation</c>; Humanoid).</summary>
    public bool? IncludeQfrcActuatorInObservation { get; init; }

    /// <summary>The body whose (x, y) motion is rewarded: an id or a name (kwarg <c>main_body</c>; Ant).</summary>
    public string? MainBody { get; init; }

    /// <summary>Weight of the distance reward (kwarg <c>reward_dist_weight</c>; Reacher, Pusher).</summary>
    public double? RewardDistWeight { get; init; }

    /// <summary>Weight of the control cost (kwarg <c>reward_control_weight</c>; Reacher, Pusher).</summary>
    public double? RewardControlWeight { get; init; }

    /// <summary>Weight of the arm-to-object distance reward (kwarg <c>reward_near_weight</c>; Pusher).</summary>
    public double? RewardNearWeight { get; init; }

    /// <summary>Keyword option names, as accepted by the registry.</summary>
    public static class Keys
    {
        /// <summary><c>forward_reward_weight</c>.</summary>
        public const string ForwardRewardWeight = "forward_reward_weight";
        /// <summary><c>ctrl_cost_weight</c>.</summary>
        public const string CtrlCostWeight = "ctrl_cost_weight";
        /// <summary><c>healthy_reward</c>.</summary>
        public const string HealthyReward = "healthy_reward";
        /// <summary><c>terminate_when_unhealthy</c>.</summary>
        public const string TerminateWhenUnhealthy = "terminate_when_unhealthy";
        /// <summary><c>healthy_state_range</c>.</summary>
        public const string HealthyStateRange = "healthy_state_range";
        /// <summary><c>healthy_z_range</c>.</summary>
        public const string HealthyZRange = "healthy_z_range";
        /// <summary><c>healthy_angle_range</c>.</summary>
        public const string HealthyAngleRange = "healthy_angle_range";
        /// <summary><c>reset_noise_scale</c>.</summary>
        public const string ResetNoiseScale = "reset_noise_scale";
        /// <summary><c>exclude_current_positions_from_observation</c>.</summary>
        public const string ExcludeCurrentPositions = "exclude_current_positions_from_observation";
        /// <summary><c>frame_skip</c>.</summary>
        public const string FrameSkip = "frame_skip";
        /// <summary><c>step_info</c>.</summary>
        public const string StepInfo = "step_info";
        /// <summary><c>xml_file</c>.</summary>
        public const string XmlFile = "xml_file";
        /// <summary><c>renderer</c>.</summary>
        public const string Renderer = "renderer";
        /// <summary><c>contact_cost_weight</c>.</summary>
        public const string ContactCostWeight = "contact_cost_weight";
        /// <summary><c>contact_cost_range</c>.</summary>
        public const string ContactCostRange = "contact_cost_range";
        /// <summary><c>contact_force_range</c>.</summary>
        public const string ContactForceRange = "contact_force_range";
        /// <summary><c>include_cfrc_ext_in_observation</c>.</summary>
        public const string IncludeCfrcExt = "include_cfrc_ext_in_observation";
        /// <summary><c>include_cinert_in_observation</c>.</summary>
        public const string IncludeCinert = "include_cinert_in_observation";
        /// <summary><c>include_cvel_in_observation</c>.</summary>
        public const string IncludeCvel = "include_cvel_in_observation";
        /// <summary><c>include_qfrc_actuator_in_observation</c>.</summary>
        public const string IncludeQfrcActuator = "include_qfrc_actuator_in_observation";
        /// <summary><c>main_body</c>.</summary>
        public const string MainBody = "main_body";
        /// <summary><c>reward_dist_weight</c>.</summary>
        public const string RewardDistWeight = "reward_dist_weight";
        /// <summary><c>reward_control_weight</c>.</summary>
        public const string RewardControlWeight = "reward_control_weight";
        /// <summary><c>reward_near_weight</c>.</summary>
        public const string RewardNearWeight = "reward_near_weight";
    }

    /// <summary>
    /// Reads keyword options. Ranges may be given as a <c>double[2]</c>, a <c>(double, double)</c> tuple or a string
    /// <c>"low,high"</c> (brackets allowed, <c>inf</c> for infinity).
    /// </summary>
    /// <param name="kwargs">The options.</param>
    /// <param name="accepted">The keys this environment accepts.</param>
    /// <param name="envId">The environment id, for messages.</param>
    /// <exception cref="ArgumentException">If a key is unknown or a value has the wrong type; the message names both.</exception>
    public static LocomotionOptions FromKwargs(OptionSet kwargs, IReadOnlyCollection<string> accepted, string envId)
    {
        ArgumentNullException.ThrowIfNull(kwargs);
        kwargs.EnsureOnly(accepted, envId);
        try
        {
            return new LocomotionOptions
            {
                ForwardRewardWeight = Number(kwargs, Keys.ForwardRewardWeight),
                CtrlCostWeight = Number(kwargs, Keys.CtrlCostWeight),
                HealthyReward = Number(kwargs, Keys.HealthyReward),
                TerminateWhenUnhealthy = kwargs.ContainsKey(Keys.TerminateWhenUnhealthy) ? kwargs.GetBool(Keys.TerminateWhenUnhealthy, true) : null,
                HealthyStateRange = Range(kwargs, Keys.HealthyStateRange),
                HealthyZRange = Range(kwargs, Keys.HealthyZRange),
                HealthyAngleRange = Range(kwargs, Keys.HealthyAngleRange),
                ResetNoiseScale = Number(kwargs, Keys.ResetNoiseScale),
                ExcludeCurrentPositionsFromObservation = kwargs.ContainsKey(Keys.ExcludeCurrentPositions) ? kwargs.GetBool(Keys.ExcludeCurrentPositions, true) : null,
                FrameSkip = kwargs.ContainsKey(Keys.FrameSkip) ? kwargs.GetInt(Keys.FrameSkip, 1) : null,
                StepInfo = kwargs.ContainsKey(Keys.StepInfo) ? kwargs.GetBool(Keys.StepInfo, true) : null,
                XmlFile = kwargs.GetString(Keys.XmlFile, null),
                Renderer = ParseRenderer(kwargs),
                ContactCostWeight = Number(kwargs, Keys.ContactCostWeight),
                ContactCostRange = Range(kwargs, Keys.ContactCostRange),
                ContactForceRange = Range(kwargs, Keys.ContactForceRange),
                IncludeCfrcExtInObservation = Flag(kwargs, Keys.IncludeCfrcExt),
                IncludeCinertInObservation = Flag(kwargs, Keys.IncludeCinert),
                IncludeCvelInObservation = Flag(kwargs, Keys.IncludeCvel),
                IncludeQfrcActuatorInObservation = Flag(kwargs, Keys.IncludeQfrcActuator),
                MainBody = kwargs.GetString(Keys.MainBody, null),
                RewardDistWeight = Number(kwargs, Keys.RewardDistWeight),
                RewardControlWeight = Number(kwargs, Keys.RewardControlWeight),
                RewardNearWeight = Number(kwargs, Keys.RewardNearWeight),
            };
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{envId}: {e.Message}", e);
        }
    }

    /// <summary>Reads the <c>renderer</c> option: <c>mujoco</c> or <c>sketch</c>; null when absent.</summary>
    /// <exception cref="ArgumentException">If the value is neither.</exception>
    public static MuJoCoRendererKind? ParseRenderer(OptionSet kwargs)
    {
        ArgumentNullException.ThrowIfNull(kwargs);
        return kwargs.GetString(Keys.Renderer, null)?.Trim().ToLowerInvariant() switch
        {
            null => null,
            "mujoco" => MuJoCoRendererKind.MuJoCo,
            "sketch" => MuJoCoRendererKind.Sketch,
            var other => throw new ArgumentException($"option '{Keys.Renderer}' = '{other}' is not one of mujoco, sketch"),
        };
    }

    private static double? Number(OptionSet kwargs, string key) => kwargs.ContainsKey(key) ? kwargs.GetDouble(key, 0) : null;

    private static bool? Flag(OptionSet kwargs, string key) => kwargs.ContainsKey(key) ? kwargs.GetBool(key, true) : null;

    private static (double, double)? Range(OptionSet kwargs, string key)
    {
        if (!kwargs.TryGetValue(key, out var value)) return null;
        switch (value)
        {
            case ValueTuple<double, double> t: return t;
            case double[] { Length: 2 } a: return (a[0], a[1]);
            case float[] { Length: 2 } f: return (f[0], f[1]);
            case string s:
                var parts = s.Trim().TrimStart('(', '[').TrimEnd(')', ']').Split(',');
                if (parts.Length == 2 && TryParse(parts[0], out double lo) && TryParse(parts[1], out double hi)) return (lo, hi);
                break;
        }
        throw new ArgumentException($"option '{key}' = {Rl.Core.Spaces.Space.FormatValue(value)} is not a range; give \"low,high\" or two numbers");
    }

    private static bool TryParse(string s, out double value)
    {
        s = s.Trim();
        switch (s.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>These options after checking every value that is set.</summary>
    /// <param name="envId">The environment id, for messages.</param>
    /// <exception cref="ArgumentException">Naming the environment and the option when a weight is not finite, a scale is negative,
    /// <c>frame_skip</c> is below 1 or a range has low above high.</exception>
    public LocomotionOptions Validated(string envId)
    {
        void Finite(double? x, string key)
        {
            if (x is double d && !double.IsFinite(d)) throw new ArgumentException($"{envId}: option '{key}' = {d} must be finite");
        }
        void Range((double Low, double High)? r, string key)
        {
            if (r is { } v && !(v.Low <= v.High)) throw new ArgumentException($"{envId}: option '{key}' = ({v.Low}, {v.High}) needs low <= high");
        }
        Finite(ForwardRewardWeight, Keys.ForwardRewardWeight);
        Finite(CtrlCostWeight, Keys.CtrlCostWeight);
        Finite(HealthyReward, Keys.HealthyReward);
        Finite(ResetNoiseScale, Keys.ResetNoiseScale);
        Finite(ContactCostWeight, Keys.ContactCostWeight);
        Finite(RewardDistWeight, Keys.RewardDistWeight);
        Finite(RewardControlWeight, Keys.RewardControlWeight);
        Finite(RewardNearWeight, Keys.RewardNearWeight);
        if (ResetNoiseScale < 0) throw new ArgumentException($"{envId}: option '{Keys.ResetNoiseScale}' = {ResetNoiseScale} must not be negative");
        if (FrameSkip < 1) throw new ArgumentException($"{envId}: option '{Keys.FrameSkip}' = {FrameSkip} must be at least 1");
        Range(HealthyStateRange, Keys.HealthyStateRange);
        Range(HealthyZRange, Keys.HealthyZRange);
        Range(HealthyAngleRange, Keys.HealthyAngleRange);
        Range(ContactCostRange, Keys.ContactCostRange);
        Range(ContactForceRange, Keys.ContactForceRange);
        return this;
    }

    /// <summary>These options with every unset property taken from <paramref name="defaults"/>.</summary>
    public LocomotionOptions WithDefaults(LocomotionOptions defaults) => new()
    {
        ForwardRewardWeight = ForwardRewardWeight ?? defaults.ForwardRewardWeight,
        CtrlCostWeight = CtrlCostWeight ?? defaults.CtrlCostWeight,
        HealthyReward = HealthyReward ?? defaults.HealthyReward,
        TerminateWhenUnhealthy = TerminateWhenUnhealthy ?? defaults.TerminateWhenUnhealthy,
        HealthyStateRange = HealthyStateRange ?? defaults.HealthyStateRange,
        HealthyZRange = HealthyZRange ?? defaults.HealthyZRange,
        HealthyAngleRange = HealthyAngleRange ?? defaults.HealthyAngleRange,
        ResetNoiseScale = ResetNoiseScale ?? defaults.ResetNoiseScale,
        ExcludeCurrentPositionsFromObservation = ExcludeCurrentPositionsFromObservation ?? defaults.ExcludeCurrentPositionsFromObservation,
        FrameSkip = FrameSkip ?? defaults.FrameSkip,
        StepInfo = StepInfo ?? defaults.StepInfo,
        XmlFile = XmlFile ?? defaults.XmlFile,
        Renderer = Renderer ?? defaults.Renderer,
        ContactCostWeight = ContactCostWeight ?? defaults.ContactCostWeight,
        ContactCostRange = ContactCostRange ?? defaults.ContactCostRange,
        ContactForceRange = ContactForceRange ?? defaults.ContactForceRange,
        IncludeCfrcExtInObservation = IncludeCfrcExtInObservation ?? defaults.IncludeCfrcExtInObservation,
        IncludeCinertInObservation = IncludeCinertInObservation ?? defaults.IncludeCinertInObservation,
        IncludeCvelInObservation = IncludeCvelInObservation ?? defaults.IncludeCvelInObservation,
        IncludeQfrcActuatorInObservation = IncludeQfrcActuatorInObservation ?? defaults.IncludeQfrcActuatorInObservation,
        MainBody = MainBody ?? defaults.MainBody,
        RewardDistWeight = RewardDistWeight ?? defaults.RewardDistWeight,
        RewardControlWeight = RewardControlWeight ?? defaults.RewardControlWeight,
        RewardNearWeight = RewardNearWeight ?? defaults.RewardNearWeight,
    };

    /// <summary>Descriptions of the given keyword options with the defaults filled in, for <see cref="EnvSpec.KwargDocs"/>.</summary>
    public static IReadOnlyDictionary<string, string> Describe(LocomotionOptions defaults, IEnumerable<string> keys)
    {
        static string R((double Low, double High)? r) => r is { } v ? $"({Fmt(v.Low)}, {Fmt(v.High)})" : "none";
        var all = new Dictionary<string, string>
        {
            [Keys.ForwardRewardWeight] = $"double, default {Fmt(defaults.ForwardRewardWeight)}: weight of the forward velocity reward",
            [Keys.CtrlCostWeight] = $"double, default {Fmt(defaults.CtrlCostWeight)}: weight of the control cost (sum of squared actions)",
            [Keys.HealthyReward] = $"double, default {Fmt(defaults.HealthyReward)}: bonus per step while healthy",
            [Keys.TerminateWhenUnhealthy] = $"bool, default {defaults.TerminateWhenUnhealthy}: end the episode when unhealthy",
            [Keys.HealthyStateRange] = $"\"low,high\", default {R(defaults.HealthyStateRange)}: open range of qpos[2:] and qvel while healthy",
            [Keys.HealthyZRange] = $"\"low,high\", default {R(defaults.HealthyZRange)}: open range of the torso height while healthy",
            [Keys.HealthyAngleRange] = $"\"low,high\", default {R(defaults.HealthyAngleRange)}: open range of the torso pitch (rad) while healthy",
            [Keys.ResetNoiseScale] = $"double, default {Fmt(defaults.ResetNoiseScale)}: scale of the reset noise on qpos and qvel",
            [Keys.ExcludeCurrentPositions] = $"bool, default {defaults.ExcludeCurrentPositionsFromObservation}: leave the absolute position out of the observation",
            [Keys.FrameSkip] = $"int, default {defaults.FrameSkip}: MuJoCo steps per environment step",
            [Keys.StepInfo] = $"bool, default {defaults.StepInfo}: put the reward components in each step's info (false: no allocation per step)",
            [Keys.XmlFile] = "path, default the shipped model: an MJCF file to simulate instead (or a shipped model's name, e.g. hopper.xml)",
            [Keys.Renderer] = "mujoco or sketch, default mujoco: MuJoCo's own renderer, or the hand-drawn flat view",
            [Keys.ContactCostWeight] = $"double, default {Fmt(defaults.ContactCostWeight)}: weight of the contact cost (sum of squared external contact forces)",
            [Keys.ContactCostRange] = $"\"low,high\", default {R(defaults.ContactCostRange)}: range the contact cost is clipped to",
            [Keys.ContactForceRange] = $"\"low,high\", default {R(defaults.ContactForceRange)}: range each contact force is clipped to",
            [Keys.IncludeCfrcExt] = $"bool, default {defaults.IncludeCfrcExtInObservation}: end the observation with the bodies' external contact forces",
            [Keys.IncludeCinert] = $"bool, default {defaults.IncludeCinertInObservation}: include the bodies' com-based inertias",
            [Keys.IncludeCvel] = $"bool, default {defaults.IncludeCvelInObservation}: include the bodies' com-based velocities",
            [Keys.IncludeQfrcActuator] = $"bool, default {defaults.IncludeQfrcActuatorInObservation}: include the actuator forces on the joints",
            [Keys.MainBody] = $"int or body name, default {defaults.MainBody ?? "none"}: the body whose x velocity is rewarded",
            [Keys.RewardDistWeight] = $"double, default {Fmt(defaults.RewardDistWeight)}: weight of the distance reward",
            [Keys.RewardControlWeight] = $"double, default {Fmt(defaults.RewardControlWeight)}: weight of the control cost",
            [Keys.RewardNearWeight] = $"double, default {Fmt(defaults.RewardNearWeight)}: weight of the arm-to-object distance reward",
        };
        return keys.ToDictionary(k => k, k => all[k]);
    }

    private static string Fmt(double? x) => x switch
    {
        null => "none",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        double d => d.ToString("G", CultureInfo.InvariantCulture),
    };
}
