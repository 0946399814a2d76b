"""Environments for testing the bridge: every space kind echoed back, failures of every kind, stdout noise."""

import array
import os
import sys
import time

from . import spaces
from .core import Env

try:
    import numpy as np
except ImportError:
    np = None


def make_space(kind):
    if kind == "discrete":
        return spaces.Discrete(5, start=-2)
    if kind == "box32":
        return spaces.Box([-1.0, -2.0, -3.0], [1.0, 2.0, 3.0], dtype="float32")
    if kind == "box64":
        return spaces.Box(-10.0, 10.0, shape=(2, 3), dtype="float64")
    if kind == "box_uint8":
        return spaces.Box(0, 255, shape=(4, 4, 3), dtype="uint8")
    if kind == "multidiscrete":
        return spaces.MultiDiscrete([3, 4, 5], start=[0, 1, -1])
    if kind == "multibinary":
        return spaces.MultiBinary(6)
    if kind == "tuple":
        return spaces.Tuple([spaces.Discrete(3), spaces.Box(-1.0, 1.0, shape=(2,), dtype="float32")])
    if kind == "dict":
        return spaces.Dict({"velocity": spaces.Box(-1.0, 1.0, shape=(2,), dtype="float64"),
                            "gear": spaces.Discrete(4),
                            "flags": spaces.MultiBinary(3)})
    if kind == "text":
        return spaces.Text(12)
    if kind == "box_int64":
        return spaces.Box(0, 10, shape=(2,), dtype="int64")
    raise ValueError("unknown space kind %r" % kind)


def _first_value(space):
    """A fixed value of the space that the test knows (the low corner, or start)."""
    if isinstance(space, spaces.Discrete):
        return space.start
    if isinstance(space, spaces.Box):
        return space.low.copy() if np is not None else array.array(space.low.typecode, space.low)
    if isinstance(space, spaces.MultiDiscrete):
        return space.start
    if isinstance(space, spaces.MultiBinary):
        return np.zeros(space.shape, dtype=np.int8) if np is not None else array.array("b", [0] * space.n)
    if isinstance(space, spaces.Tuple):
        return tuple(_first_value(s) for s in space.spaces)
    if isinstance(space, spaces.Dict):
        return {k: _first_value(s) for k, s in space.spaces.items()}
    return None


class SpaceEchoEnv(Env):
    """Observation space = action space = make_space(kind); step returns the action as the next observation, so a
    round trip checks both directions of the value encoding. Reset info echoes the seed and options."""

    metadata = {"render_modes": []}

    def __init__(self, kind="box32"):
        self.observation_space = make_space(kind)
        self.action_space = self.observation_space
        self.steps = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.steps = 0
        info = {"seed": seed, "options": options, "numpy": np is not None}
        return _first_value(self.observation_space), info

    def step(self, action):
        self.steps += 1
        info = {
            "steps": self.steps,
            "action_type": type(action).__name__,
            "action_dtype": str(getattr(action, "dtype", "")),
            "action_shape": list(getattr(action, "shape", ())),
            "mixed": {"int": 7, "float": 2.5, "text": "héllo", "list": [1, "two", None], "flag": True,
                      "array": np.arange(3, dtype=np.float64) if np is not None else array.array("d", [0.0, 1.0, 2.0]),
                      "object": object()},
        }
        return action, 0.5, self.steps >= 3, False, info


class FaultyEnv(Env):
    """A one-dimensional counter that fails on request: raise, crash, hang, print, or observe NaN or -inf at a given step."""

    metadata = {"render_modes": []}

    def __init__(self, fail_at=-1, crash_at=-1, hang_at=-1, print_at=-1, init_sleep=0.0, init_error=False, fail_seed=None,
                 nan_at=-1, inf_at=-1):
        if init_error:
            raise RuntimeError("FaultyEnv refused to start (init_error=True)")
        if init_sleep:
            time.sleep(init_sleep)
        self.observation_space = spaces.Box(0.0, 1000.0, shape=(1,), dtype="float32")
        self.action_space = spaces.Discrete(2)
        self.fail_at, self.crash_at, self.hang_at, self.print_at = fail_at, crash_at, hang_at, print_at
        self.fail_seed = fail_seed
        self.nan_at, self.inf_at = nan_at, inf_at
        self.seed = None
        self.t = 0

    def _obs(self):
        x = float("nan") if self.t == self.nan_at else float("-inf") if self.t == self.inf_at else self.t
        return np.array([x], dtype=np.float32) if np is not None else array.array("f", [x])

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        if seed is not None:
            self.seed = seed
        self.t = 0
        return self._obs(), {"seed": self.seed}

    def step(self, action):
        self.t += 1
        if self.seed is not None and self.seed == self.fail_seed:
            raise ValueError("boom for seed %d" % self.seed)
        if self.t == self.fail_at:
            self._explode()
        if self.t == self.crash_at:
            sys.stderr.write("FaultyEnv: crashing on purpose at step %d\n" % self.t)
            sys.stderr.flush()
            os._exit(3)
        if self.t == self.hang_at:
            self._wait_forever()
        if self.t == self.print_at:
            print("noise on stdout that must not reach the protocol")
            sys.stdout.write("\x00\x00\x00\x10garbage")
            sys.stdout.flush()
        return self._obs(), 1.0, False, False, {"t": self.t}

    def _explode(self):
        raise ValueError("boom at step %d" % self.t)

    def _wait_forever(self):
        while True:
            time.sleep(0.05)


class NeedsExtraEnv(Env):
    """Stands for a Gymnasium environment whose extra is missing (as Box2D envs without gymnasium[box2d])."""

    def __init__(self):
        from .core import DependencyNotInstalled
        raise DependencyNotInstalled("Box2D is not installed, run `pip install \"gymnasium[box2d]\"`")


class ShapeLiarEnv(Env):
    """Declares a Box of 3 floats but returns 2 (a bug the C# side must name)."""

    def __init__(self):
        self.observation_space = spaces.Box(-1.0, 1.0, shape=(3,), dtype="float32")
        self.action_space = spaces.Discrete(2)

    def reset(self, *, seed=None, options=None):
        return [0.0, 0.0], {}

    def step(self, action):
        return [0.0, 0.0], 0.0, False, False, {}
