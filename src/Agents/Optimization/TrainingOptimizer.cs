using Rl.Agents.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Rl.Agents.Optimization;

/// <summary>What one gradient step did.</summary>
/// <param name="Loss">The loss value.</param>
/// <param name="GradNorm">The global gradient norm before clipping.</param>
/// <param name="LearningRate">The learning rate used.</param>
public readonly record struct StepReport(double Loss, double GradNorm, double LearningRate);

/// <summary>
/// Gradient steps for one network: torch optimizer (SGD+momentum, RMSProp or Adam) plus weight decay, gradient
/// clipping and a learning-rate schedule indexed by the update count. It refuses a NaN or infinite loss (naming the
/// network and the update) and, when asked, records per-layer diagnostics from the course's "babysitting" advice:
/// weight norm, gradient norm and update/weight ratio (about 1e-3 is healthy), and the dead fraction of each
/// <see cref="Networks.ActivityReLU"/> layer.
/// </summary>
public sealed class TrainingOptimizer : IDisposable
{
    private readonly string _name;
    private readonly (string Name, Parameter Param)[] _parameters;
    private readonly (string Name, Networks.ActivityReLU Module)[] _relus;
    private readonly OptimizerHelper _optimizer;
    private readonly OptimizerSettings _settings;
    private readonly LrSchedule _schedule;
    private readonly Dictionary<string, double> _diagnostics = new(StringComparer.Ordinal);

    /// <summary>Creates the optimizer over all trainable parameters of <paramref name="module"/>.</summary>
    /// <param name="name">Name for messages and metric keys, e.g. <c>policy</c>.</param>
    /// <param name="module">The network to train.</param>
    /// <param name="settings">Optimizer hyperparameters (validated here).</param>
    /// <param name="schedule">Learning-rate schedule (validated here).</param>
    public TrainingOptimizer(string name, nn.Module module, OptimizerSettings settings, LrSchedule schedule)
    {
        settings.Validate();
        schedule.Validate();
        _name = name;
        _settings = settings;
        _schedule = schedule;
        _parameters = module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToArray();
        if (_parameters.Length == 0) throw new ArgumentException($"network '{name}' has no trainable parameters", nameof(module));
        _relus = module.named_modules().Where(m => m.module is Networks.ActivityReLU).Select(m => (m.name, (Networks.ActivityReLU)m.module)).ToArray();
        var ps = _parameters.Select(p => p.Param);
        double lr = schedule.LearningRate(settings.LearningRate, 0);
        _optimizer = settings.Kind switch
        {
            // TorchSharp's SGD/RMSProp/AdamW with steps that keep their Scalars alive (bit-identical; same saved state).
            OptimizerKind.Sgd => new KeptScalarOptimizers.SGD(ps, lr, settings.Momentum, 0.0, settings.WeightDecay, settings.Nesterov),
            OptimizerKind.RmsProp => new KeptScalarOptimizers.RMSProp(ps, lr, settings.Alpha, settings.Epsilon, settings.WeightDecay, settings.Momentum, false),
            _ => new KeptScalarOptimizers.AdamW(ps, lr, settings.Beta1, settings.Beta2, settings.Epsilon, settings.WeightDecay),
        };
    }

    /// <summary>Gradient steps taken so far: the schedule's position.</summary>
    public long Updates { get; private set; }

    /// <summary>The learning rate the next step will use.</summary>
    public double LearningRate => _schedule.LearningRate(_settings.LearningRate, Updates);

    /// <summary>
    /// One step: zero the gradients, back-propagate <paramref name="loss"/>, clip, step with the scheduled learning rate.
    /// With <paramref name="diagnose"/>, per-layer norms and update ratios of this step are kept for <see cref="ReportDiagnostics"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">If the loss is NaN or infinite (naming the network and the update).</exception>
    public StepReport Step(Tensor loss, bool diagnose = false)
    {
        double lossValue = loss.item<float>();
        if (!double.IsFinite(lossValue))
            throw new InvalidOperationException($"{_name} loss is {lossValue} at update {Updates}; training stopped (lower the learning rate or clip gradients)");
        double lr = LearningRate;
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
        _optimizer.zero_grad();
        loss.backward();
        Tensor[]? before = null;
        if (diagnose)
        {
            _diagnostics.Clear();
            before = new Tensor[_parameters.Length];
            for (int i = 0; i < _parameters.Length; i++)
            {
                var (n, p) = _parameters[i];
                before[i] = p.detach().clone();
                _diagnostics[$"{n}/grad_norm"] = p.grad is null ? 0.0 : p.grad.norm().item<float>();
            }
            // Units of the ReLU layers that no sample of the updates since the last diagnosed step activated.
            foreach (var (n, relu) in _relus)
                if (relu.TakeDeadFraction() is double dead) _diagnostics[$"{n}/dead_fraction"] = dead;
        }
        double gradNorm = nn.utils.clip_grad_norm_(_parameters.Select(p => p.Param), _settings.MaxGradNorm > 0 ? _settings.MaxGradNorm : double.PositiveInfinity);
        _optimizer.step();
        Updates++;
        if (before is not null)
        {
            using var _ = torch.no_grad();
            for (int i = 0; i < _parameters.Length; i++)
            {
                var (n, p) = _parameters[i];
                double w = p.norm().item<float>(), w0 = before[i].norm().item<float>();
                using var delta = p - before[i];
                _diagnostics[$"{n}/weight_norm"] = w;
                // ‖Δw‖ / ‖w‖ before the step (the course's update scale over parameter scale; unbounded, unlike ‖Δw‖ / ‖w + Δw‖).
                _diagnostics[$"{n}/update_ratio"] = delta.norm().item<float>() / Math.Max(w0, 1e-12);
                before[i].Dispose();
            }
        }
        return new StepReport(lossValue, gradNorm, lr);
    }

    /// <summary>
    /// Adds the diagnostics of the last diagnosed step as <c>diag/&lt;name&gt;/&lt;parameter&gt;/{weight_norm,grad_norm,update_ratio}</c>
    /// and <c>diag/&lt;name&gt;/&lt;relu module&gt;/dead_fraction</c>
    /// scalars and each parameter's values as a <c>weights/&lt;name&gt;/&lt;parameter&gt;</c> histogram.
    /// </summary>
    public void ReportDiagnostics(IDictionary<string, double> scalars, IDictionary<string, float[]> histograms)
    {
        foreach (var (key, value) in _diagnostics) scalars[$"diag/{_name}/{key}"] = value;
        foreach (var (n, p) in _parameters)
        {
            histograms[$"weights/{_name}/{n}"] = Networks.TensorRows.ToArray(p.detach());
        }
    }

    /// <summary>Writes the optimizer state (moments, step counts) and the schedule position under <paramref name="prefix"/>.</summary>
    public void Save(Checkpoint checkpoint, string prefix)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) _optimizer.save_state_dict(w);
        checkpoint.PutBytes($"{prefix}/optimizer", ms.ToArray());
        checkpoint.PutArray($"{prefix}/updates", [Updates]);
    }

    /// <summary>Restores the state written by <see cref="Save"/>.</summary>
    /// <exception cref="CheckpointException">If an entry is missing or unreadable.</exception>
    public void Load(Checkpoint checkpoint, string prefix)
    {
        var bytes = checkpoint.GetBytes($"{prefix}/optimizer");
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes));
            _optimizer.load_state_dict(r);
            // The state is read onto the CPU; keep it beside the parameters (CUDA included).
            _optimizer.to(_parameters[0].Param.device);
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"checkpoint entry '{prefix}/optimizer' does not fit this {_settings.Kind} optimizer of '{_name}': {e.Message}", e);
        }
        Updates = checkpoint.GetArray<long>($"{prefix}/updates", 1)[0];
    }

    /// <inheritdoc />
    public void Dispose() => _optimizer.Dispose();
}
