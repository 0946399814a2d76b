namespace Rl.Core.Vector;

/// <summary>
/// What a vector environment does with a sub-environment whose episode ended (Gymnasium 1.x's <c>AutoresetMode</c>).
/// </summary>
public enum AutoresetMode
{
    /// <summary>
    /// Gymnasium's default. The step that ends an episode returns that episode's final observation as usual; the next
    /// <c>Step</c> resets the sub-environment instead of stepping it, ignores its action, and returns the reset observation
    /// with reward 0, terminated and truncated false and the reset info (<see cref="VectorStepResult{TObs}.AutoresetEnvs"/>
    /// marks such sub-environments, whose "transition" is not one).
    /// </summary>
    NextStep,

    /// <summary>
    /// The sub-environment is reset inside the step that ended its episode: the returned observation and info are the reset
    /// ones, and the final observation and info are reported separately in
    /// <see cref="VectorStepResult{TObs}.FinalObservations"/> and <see cref="VectorStepResult{TObs}.FinalInfos"/>.
    /// </summary>
    SameStep,

    /// <summary>
    /// No automatic reset: the caller resets finished sub-environments with <c>Reset(mask: ...)</c>; stepping a finished
    /// sub-environment is an error (<see cref="ResetNeededException"/>).
    /// </summary>
    Disabled,
}

/// <summary>How <see cref="VectorEnv.MakeVector{TObs, TAct}"/> runs the sub-environments (Gymnasium's <c>vectorization_mode</c>).</summary>
public enum VectorizationMode
{
    /// <summary>One after another on the calling thread (<see cref="SyncVectorEnv{TObs, TAct}"/>).</summary>
    Sync,

    /// <summary>Partitioned over persistent worker threads (<see cref="ThreadedVectorEnv{TObs, TAct}"/>).</summary>
    Threaded,

    /// <summary>
    /// The one measured faster for the kind of environment (<see cref="VectorEnv.Choose"/>): threaded for rendered image
    /// observations (H×W×C bytes) when there is more than one core and sub-environment, synchronous otherwise.
    /// </summary>
    Auto,
}
