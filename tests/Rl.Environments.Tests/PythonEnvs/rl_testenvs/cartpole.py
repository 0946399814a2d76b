"""Cart-pole with Gymnasium's CartPole-v1 equations and conventions, in plain Python.

Beyond Gymnasium: the reset option "state" (four floats) starts from an exact float64 state, so the tests can compare
this environment step for step with the C# CartPoleEnv from a shared initial state.
"""

import array
import math

from . import spaces
from .core import Env

try:
    import numpy as np
except ImportError:
    np = None


class CartPoleEnv(Env):
    metadata = {"render_modes": ["rgb_array"], "render_fps": 50}

    def __init__(self, sutton_barto_reward=False, render_mode=None):
        self.gravity = 9.8
        self.masscart = 1.0
        self.masspole = 0.1
        self.total_mass = self.masspole + self.masscart
        self.length = 0.5
        self.polemass_length = self.masspole * self.length
        self.force_mag = 10.0
        self.tau = 0.02
        self.theta_threshold_radians = 12 * 2 * math.pi / 360
        self.x_threshold = 2.4
        self._sutton_barto_reward = sutton_barto_reward
        high = [self.x_threshold * 2, math.inf, self.theta_threshold_radians * 2, math.inf]
        self.action_space = spaces.Discrete(2)
        self.observation_space = spaces.Box([-h for h in high], high, dtype="float32")
        self.render_mode = render_mode
        self.state = None
        self.np_random = None
        self.steps_beyond_terminated = None

    def _obs(self):
        if np is not None:
            return np.array(self.state, dtype=np.float32)
        return array.array("f", self.state)

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        options = options or {}
        if "state" in options:
            self.state = [float(v) for v in options["state"]]
            if len(self.state) != 4:
                raise ValueError("option 'state' needs 4 values, got %d" % len(self.state))
        else:
            low = float(options.get("low", -0.05))
            high = float(options.get("high", 0.05))
            if not low < high:
                raise ValueError("option low=%r must be below high=%r" % (low, high))
            self.state = [self.np_random.uniform(low, high) for _ in range(4)]
        self.steps_beyond_terminated = None
        return self._obs(), {}

    def step(self, action):
        assert self.action_space.contains(action), "%r (%s) invalid" % (action, type(action))
        assert self.state is not None, "Call reset before using step method."
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta = math.cos(theta)
        sintheta = math.sin(theta)
        # The same expressions, in the same order, as Gymnasium (np.square(v) is v * v).
        temp = (force + self.polemass_length * (theta_dot * theta_dot) * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * (costheta * costheta) / self.total_mass)
        )
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = [x, x_dot, theta, theta_dot]

        terminated = bool(
            x < -self.x_threshold or x > self.x_threshold
            or theta < -self.theta_threshold_radians or theta > self.theta_threshold_radians
        )
        if not terminated:
            reward = 0.0 if self._sutton_barto_reward else 1.0
        elif self.steps_beyond_terminated is None:
            self.steps_beyond_terminated = 0
            reward = -1.0 if self._sutton_barto_reward else 1.0
        else:
            self.steps_beyond_terminated += 1
            reward = -1.0 if self._sutton_barto_reward else 0.0
        return self._obs(), reward, terminated, False, {}

    def render(self):
        if self.render_mode != "rgb_array":
            return None
        width, height = 600, 400
        frame = bytearray(b"\xff" * (width * height * 3))

        def put(px, py, rgb):
            # Gymnasium draws with y up and flips the image; row = height - 1 - y.
            if 0 <= px < width and 0 <= py < height:
                i = ((height - 1 - py) * width + px) * 3
                frame[i:i + 3] = rgb

        scale = width / (self.x_threshold * 2)
        cart_x = int(self.state[0] * scale + width / 2.0)
        cart_y = 100
        for px in range(cart_x - 25, cart_x + 25):
            for py in range(cart_y - 15, cart_y + 15):
                put(px, py, b"\x00\x00\x00")
        pole_len = scale * (2 * self.length)
        theta = self.state[2]
        for k in range(int(pole_len)):
            cx = cart_x + k * math.sin(theta)
            cy = cart_y + k * math.cos(theta)
            for w in range(-5, 5):
                put(int(cx + w * math.cos(theta)), int(cy - w * math.sin(theta)), b"\xca\x98\x65")
        for px in range(width):
            put(px, cart_y - 15, b"\x00\x00\x00")
        if np is not None:
            return np.frombuffer(bytes(frame), dtype=np.uint8).reshape(height, width, 3)
        return memoryview(frame).cast("B", (height, width, 3))
