namespace Rl.Agents.Training;

/// <summary>An old (deprecated) config key and the key that replaced it.</summary>
/// <param name="OldKey">The old key, relative to the config table (e.g. <c>learning_rate</c>).</param>
/// <param name="NewKey">The new dotted key, relative to the config table (e.g. <c>optimizer.learning_rate</c>).</param>
public sealed record ConfigAlias(string OldKey, string NewKey);

/// <summary>
/// A config record that still accepts old key names. The binder reads an old key as its new one and prints a one-line
/// notice naming the new key; a config that gives both is an error. An old key whose name is also a new table's name
/// (<c>network = "conv"</c> against <c>[config.network]</c>) is an alias only when its value is not a table.
/// </summary>
public interface IConfigAliases
{
    /// <summary>The old keys this config accepts and their replacements.</summary>
    IReadOnlyList<ConfigAlias> Aliases { get; }
}

/// <summary>The flat keys the TorchSharp algorithms used before the <c>[config.network]</c>, <c>[config.optimizer]</c> and <c>[config.schedule]</c> tables.</summary>
public static class TorchConfigAliases
{
    /// <summary>Every old flat key of the network, optimizer and schedule, with its new dotted key.</summary>
    public static readonly IReadOnlyList<ConfigAlias> Flat =
    [
        new("network", "network.kind"),
        new("hidden_sizes", "network.hidden_sizes"),
        new("activation", "network.activation"),
        new("init", "network.init"),
        new("layer_norm", "network.layer_norm"),
        new("conv_channels", "network.conv_channels"),
        new("conv_kernels", "network.conv_kernels"),
        new("conv_strides", "network.conv_strides"),
        new("conv_norm", "network.conv_norm"),
        new("conv_groups", "network.conv_groups"),
        new("conv_residual_blocks", "network.conv_residual_blocks"),
        new("conv_pooling", "network.conv_pooling"),
        new("conv_features", "network.conv_features"),
        new("optimizer", "optimizer.kind"),
        new("learning_rate", "optimizer.learning_rate"),
        new("momentum", "optimizer.momentum"),
        new("nesterov", "optimizer.nesterov"),
        new("beta1", "optimizer.beta1"),
        new("beta2", "optimizer.beta2"),
        new("rmsprop_alpha", "optimizer.alpha"),
        new("optimizer_epsilon", "optimizer.epsilon"),
        new("weight_decay", "optimizer.weight_decay"),
        new("max_grad_norm", "optimizer.max_grad_norm"),
        new("lr_schedule", "schedule.kind"),
        new("lr_step_size", "schedule.step_size"),
        new("lr_gamma", "schedule.gamma"),
        new("lr_horizon", "schedule.horizon"),
        new("lr_final_fraction", "schedule.final_fraction"),
        new("lr_cycle_length", "schedule.cycle_length"),
        new("lr_min_fraction", "schedule.min_fraction"),
    ];
}
