using Rl.Environments.MuJoCo;

namespace Rl.Environments.Tests.MuJoCo;

public class MjBindingTests
{
    private const string Pendulum = """
        <mujoco model="pendulum">
          <worldbody>
            <body name="arm" pos="0 0 1">
              <joint name="swing" type="hinge" axis="0 1 0"/>
              <geom name="rod" type="capsule" fromto="0 0 0 0.5 0 0" size="0.05"/>
            </body>
          </worldbody>
        </mujoco>
        """;

    [Fact]
    public void BothPosAndFromtoGivesMuJoCosMessage()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXmlString(Pendulum.Replace("fromto=", "pos=\"0 0 0.5\" fromto="), "bad pendulum"));
        Assert.Contains("both pos and fromto defined", e.Message);
        Assert.Contains("bad pendulum", e.Message);
    }

    [Fact]
    public void XmlParseErrorGivesMuJoCosMessage()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXmlString(Pendulum.Replace("</body>", "")));
        Assert.Contains("XML parse error", e.Message);
        Assert.Contains("MISMATCHED_ELEMENT", e.Message);
    }

    [Fact]
    public void UnknownAttributeGivesMuJoCosSchemaMessage()
    {
        var e = Assert.Throws<MuJoCoException>(() => MjModel.FromXmlString(Pendulum.Replace("size=\"0.05\"", "size=\"0.05\" colour=\"red\"")));
        Assert.Contains("unrecognized attribute: 'colour'", e.Message);
    }

    [Fact]
    public void MissingLibraryNamesTheDebianPackage()
    {
        var e = Assert.Throws<DllNotFoundException>(() => Rl.Environments.MuJoCo.Native.MjApi.LoadLibrary("libmujoco.so.0.0.0"));
        Assert.Contains("libmujoco.so.0.0.0", e.Message);
        Assert.Contains("apt-get install -y libmujoco2.2.2", e.Message);
    }

    [Fact]
    public void MissingFileNamesTheFile()
    {
        var e = Assert.Throws<FileNotFoundException>(() => MjModel.FromXmlFile("/nonexistent/robot.xml"));
        Assert.Contains("/nonexistent/robot.xml", e.Message);
    }

    [Fact]
    public void LoadsFromAFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rl-mujoco-test-{Environment.ProcessId}.xml");
        File.WriteAllText(path, Pendulum);
        try
        {
            using var model = MjModel.FromXmlFile(path);
            Assert.Equal(1, model.Nq);
            Assert.Equal(path, model.Source);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UnknownNamesAreReported()
    {
        using var model = MjModel.FromXmlString(Pendulum);
        Assert.Equal(-1, model.TryGetId(MjObjectType.Body, "leg"));
        var e = Assert.Throws<MuJoCoException>(() => model.GetId(MjObjectType.Body, "leg"));
        Assert.Contains("no body named 'leg'", e.Message);
    }

    [Fact]
    public void SameStateGivesTheSameNextStateBitForBit()
    {
        using var model = MjModel.FromXmlString(Pendulum);
        using var a = model.MakeData();
        using var b = model.MakeData();
        a.Qpos[0] = b.Qpos[0] = 0.3;
        for (int i = 0; i < 500; i++)
        {
            a.Step();
            b.Step();
        }
        Assert.Equal(a.Qpos.ToArray(), b.Qpos.ToArray());
        Assert.Equal(a.Qvel.ToArray(), b.Qvel.ToArray());
        Assert.NotEqual(0.3, a.Qpos[0]);

        using var c = model.MakeData();
        c.CopyFrom(a);
        a.Step(10);
        c.Step(10);
        Assert.Equal(a.Qpos.ToArray(), c.Qpos.ToArray());
        a.Reset();
        Assert.Equal(model.Qpos0.ToArray(), a.Qpos.ToArray());
        Assert.Equal(0.0, a.Time);
    }

    [Fact]
    public void DisposingTwiceAndInEitherOrderIsSafe()
    {
        var model = MjModel.FromXmlString(Pendulum);
        var data = model.MakeData();
        model.Dispose();
        model.Dispose();
        data.Step(5); // the data keeps the native model alive
        Assert.Throws<ObjectDisposedException>(() => model.Nq);
        data.Dispose();
        data.Dispose();
        Assert.Throws<ObjectDisposedException>(() => data.Step());
        Assert.Throws<ObjectDisposedException>(() => data.Qpos[0]);
    }

    [Fact]
    public void ModelsCompileConcurrentlyAndDataStepOnSeparateThreads()
    {
        var finals = new double[4];
        Parallel.For(0, finals.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var model = MjModel.FromXmlString(Pendulum);
            using var data = model.MakeData();
            data.Qpos[0] = 0.3;
            data.Step(200);
            finals[i] = data.Qpos[0];
        });
        Assert.All(finals, f => Assert.Equal(finals[0], f));
    }
}
