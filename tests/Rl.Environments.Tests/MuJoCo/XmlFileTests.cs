using Rl.Core;
using Rl.Environments.MuJoCo;

namespace Rl.Environments.Tests.MuJoCo;

/// <summary>The <c>xml_file</c> option: a model file given by path is simulated; bad paths and bad files are reported with the file.</summary>
public sealed class XmlFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rl-xmlfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IEnv<double[], float[]> Make(string id, params (string, object)[] kwargs) =>
        Rl.Environments.Envs.Registry.Make<double[], float[]>(id, new MakeOptions { Kwargs = OptionSet.Of(kwargs) });

    // A planar hopper written for this test: a heavier torso (box), one thigh-shin leg and a motor range of ±0.4, so every
    // difference from the shipped model shows in the spaces or the masses.
    private const string TestHopper = """
        <mujoco model="test-hopper">
          <option timestep="0.004"/>
          <worldbody>
            <geom name="floor" type="plane" size="20 2 0.1"/>
            <body name="torso" pos="0 0 1.0">
              <joint name="rootx" type="slide" axis="1 0 0"/>
              <joint name="rootz" type="slide" axis="0 0 1" ref="1.0"/>
              <joint name="rooty" type="hinge" axis="0 1 0"/>
              <geom type="box" size="0.1 0.1 0.2" mass="7"/>
              <body name="leg" pos="0 0 -0.2">
                <joint name="hip" type="hinge" axis="0 -1 0" range="-90 0" limited="true"/>
                <geom type="capsule" fromto="0 0 0 0 0 -0.6" size="0.05" mass="1"/>
              </body>
            </body>
          </worldbody>
          <actuator>
            <motor joint="hip" gear="100" ctrllimited="true" ctrlrange="-0.4 0.4"/>
          </actuator>
        </mujoco>
        """;

    [Fact]
    public void AModelFileGivenByPathIsSimulated()
    {
        string path = Path.Combine(_dir, "test-hopper.xml");
        File.WriteAllText(path, TestHopper);
        using var env = Make(HopperEnv.Id, ("xml_file", path), ("frame_skip", 2));
        var hopper = (HopperEnv)env.Unwrapped;
        Assert.Equal(path, hopper.Model.Source);
        Assert.Equal(7.0, hopper.Model.BodyMass[1], 12);
        Assert.Equal(0.008, hopper.Dt, 15);
        // qpos[1:] (3) + qvel (4); the action space is the motor's ctrlrange, as Gymnasium builds it.
        Assert.Equal("Box(-inf, inf, (7,), float64)", env.ObservationSpace.ToString());
        Assert.Equal("Box(-0.4, 0.4, (1,), float32)", env.ActionSpace.ToString());
        var (obs, _) = env.Reset(seed: 4);
        Assert.Equal(1.0, obs[0], 1e-2);
        var step = env.Step([0.4f]);
        Assert.Equal(7, step.Observation.Length);
        Assert.Equal(-1e-3 * 0.4f * 0.4f, hopper.LastStep.RewardCtrl, 12);
    }

    [Fact]
    public void AShippedModelNameIsAcceptedAsAnXmlFile()
    {
        using var env = Make(HopperEnv.Id, ("xml_file", MuJoCoModels.Walker2d), ("terminate_when_unhealthy", false));
        Assert.Equal("Box(-inf, inf, (17,), float64)", env.ObservationSpace.ToString());
    }

    [Fact]
    public void AMissingFileIsReportedWithItsPath()
    {
        string path = Path.Combine(_dir, "nope.xml");
        var e = Assert.Throws<ArgumentException>(() => Make(HalfCheetahEnv.Id, ("xml_file", path)));
        Assert.Contains(HalfCheetahEnv.Id, e.Message);
        Assert.Contains("xml_file", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("no such file", e.Message);
        var dir = Assert.Throws<ArgumentException>(() => Make(SwimmerEnv.Id, ("xml_file", _dir)));
        Assert.Contains("is a directory", dir.Message);
        Assert.Throws<ArgumentException>(() => Make(Walker2dEnv.Id, ("xml_file", " ")));
    }

    [Fact]
    public void MuJoCosLoadErrorIsSurfacedWithTheFileName()
    {
        string path = Path.Combine(_dir, "broken.xml");
        File.WriteAllText(path, """<mujoco><worldbody><geom type="sphere" size="0.1" nonsense="1"/></worldbody></mujoco>""");
        var e = Assert.Throws<MuJoCoException>(() => Make(HopperEnv.Id, ("xml_file", path)));
        Assert.Contains(HopperEnv.Id, e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("nonsense", e.Message); // MuJoCo's own message: unrecognized attribute 'nonsense'
        Assert.Contains("MuJoCo could not load", e.Message);
    }
}
