"""A small stand-in for Gymnasium, for testing the C# bridge where gymnasium cannot be installed.

It follows Gymnasium's API (spaces, Env.reset(seed, options), Env.step, render_mode="rgb_array", a registry with
make(id, max_episode_steps=None, **kwargs)) closely enough that the bridge cannot tell the difference. NumPy is used
when it is importable, as Gymnasium does; without it observations are array.array and frames memoryviews.
"""

from . import spaces
from .core import DependencyNotInstalled, Env, EnvSpec, NameNotFound, TimeLimit, make, register, registry

register("CartPole-v1", "rl_testenvs.cartpole:CartPoleEnv", max_episode_steps=500, reward_threshold=475.0)
register("SpaceEcho-v0", "rl_testenvs.testing:SpaceEchoEnv")
register("Faulty-v0", "rl_testenvs.testing:FaultyEnv", max_episode_steps=100)
register("NeedsExtra-v0", "rl_testenvs.testing:NeedsExtraEnv")

__all__ = ["DependencyNotInstalled", "Env", "EnvSpec", "NameNotFound", "TimeLimit", "make", "register", "registry", "spaces"]
