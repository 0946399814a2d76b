"""Env, wrappers and registry in Gymnasium's shape."""

import copy
import importlib
import random


class NameNotFound(Exception):
    """Raised by make for an id that is not registered (Gymnasium's error name)."""


class DependencyNotInstalled(ImportError):
    """Raised by an environment whose optional dependency is missing (Gymnasium's error name)."""


class Env:
    metadata = {"render_modes": []}
    render_mode = None
    spec = None
    observation_space = None
    action_space = None

    def reset(self, *, seed=None, options=None):
        # Gymnasium seeds np_random on the first reset or when a seed is given; random.Random keeps this NumPy-free.
        if seed is not None or getattr(self, "np_random", None) is None:
            self.np_random = random.Random(seed)

    def step(self, action):
        raise NotImplementedError

    def render(self):
        return None

    def close(self):
        pass

    @property
    def unwrapped(self):
        return self


class TimeLimit:
    """Truncates episodes after max_episode_steps steps; forwards everything else to the wrapped env."""

    def __init__(self, env, max_episode_steps):
        self.env = env
        self._max_episode_steps = max_episode_steps
        self._elapsed_steps = None

    def __getattr__(self, name):
        return getattr(self.env, name)

    def reset(self, *, seed=None, options=None):
        self._elapsed_steps = 0
        return self.env.reset(seed=seed, options=options)

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._elapsed_steps += 1
        if self._elapsed_steps >= self._max_episode_steps:
            truncated = True
        return obs, reward, terminated, truncated, info


class EnvSpec:
    def __init__(self, id, entry_point, max_episode_steps=None, reward_threshold=None, nondeterministic=False, kwargs=None):
        self.id = id
        self.entry_point = entry_point
        self.max_episode_steps = max_episode_steps
        self.reward_threshold = reward_threshold
        self.nondeterministic = nondeterministic
        self.kwargs = dict(kwargs or {})


registry = {}


def register(id, entry_point, **kwargs):
    registry[id] = EnvSpec(id, entry_point, **kwargs)


def _load(entry_point):
    module, _, attr = entry_point.partition(":")
    return getattr(importlib.import_module(module), attr)


def make(id, max_episode_steps=None, **kwargs):
    spec = registry.get(id)
    if spec is None:
        raise NameNotFound("Environment %s doesn't exist; registered: %s" % (id, ", ".join(sorted(registry))))
    env = _load(spec.entry_point)(**{**spec.kwargs, **kwargs})
    spec = copy.copy(spec)
    spec.kwargs = kwargs
    if max_episode_steps is not None:
        spec.max_episode_steps = max_episode_steps
    env.unwrapped.spec = spec
    if spec.max_episode_steps is not None:
        env = TimeLimit(env, spec.max_episode_steps)
    return env
