"""Worker process of the Rl.Environments Python bridge: hosts one Gymnasium-style environment for a .NET parent.

Usage: python3 gym_bridge.py <env-id> [<parent-pid>]

The parent talks to this process over the original stdin/stdout in length-prefixed binary frames:
    frame   = u32 length (little-endian, counts the opcode and payload) | u8 opcode | payload
    request = 'I' init(value) | 'R' reset(seed value, options value) | 'S' step(action value)
            | 'A' step, then reset when the episode ended (same-step autoreset) | 'F' render | 'C' close
    reply   = 'K' payload | 'E' error value {kind, type, message, traceback}
Values are tagged: N None, T/F bool, i int64, d float64, s str (u32 length + UTF-8), y bytes, r repr of an object the
protocol cannot carry, l list (u32 count + values), m map (u32 count + (str key, value) pairs),
a array (u8 dtype code, u8 ndim, u32 dims, raw little-endian C-order data).
Anything the environment prints goes to stderr, so it cannot corrupt the protocol.

numpy is used when it is importable (Gymnasium always has it); without it arrays travel as array.array or memoryview,
which is enough for pure-Python environments.
"""

import array
import faulthandler
import importlib
import os
import signal
import struct
import sys
import traceback

try:
    import numpy as np
except ImportError:  # pure-Python environments still work; see the module docstring
    np = None

PROTOCOL_VERSION = 1

# dtype codes shared with the C# side (Rl.Environments.Python.PyDType).
DTYPES = ("float32", "float64", "uint8", "int8", "int16", "int32", "int64", "bool", "uint16", "uint32", "uint64")
DTYPE_CODE = {name: code for code, name in enumerate(DTYPES)}
# array.array / memoryview format characters by dtype name, chosen by item size because 'l' and 'L' vary by platform.
STRUCT_FORMATS = {}
for _fmt in "bBhHiIlLqQfd?":
    _size = struct.calcsize(_fmt)
    _name = {"f": "float32", "d": "float64", "?": "bool"}.get(_fmt)
    if _name is None:
        _name = ("uint" if _fmt.isupper() else "int") + str(8 * _size)
    STRUCT_FORMATS.setdefault(_fmt, _name)
ARRAY_TYPECODE = {}
for _fmt, _name in STRUCT_FORMATS.items():
    if _fmt != "?":
        ARRAY_TYPECODE.setdefault(_name, _fmt)

_u32 = struct.Struct("<I")
_i64 = struct.Struct("<q")
_f64 = struct.Struct("<d")
_step_tail = struct.Struct("<dBB")
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
LITTLE = sys.byteorder == "little"


class BridgeError(Exception):
    """A failure with a kind the parent reports specially (missing_module, unknown_id, bad_request)."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


# ---------------------------------------------------------------- encoding

def _encode_array_bytes(out, dtype_name, shape, data):
    code = DTYPE_CODE.get(dtype_name)
    if code is None:
        raise BridgeError("bad_value", "arrays of dtype %s cannot cross the bridge (supported: %s)" % (dtype_name, ", ".join(DTYPES)))
    out += b"a"
    out.append(code)
    out.append(len(shape))
    for d in shape:
        out += _u32.pack(d)
    out += data


_ndarray = np.ndarray if np is not None else None
_array_codes = {}  # dtype -> protocol code, or -1 when the array must be converted first


def _array_code(dt):
    if dt.byteorder == ">" or (dt.byteorder == "=" and not LITTLE) or dt.kind in "OUSVc" or (dt.kind == "f" and dt.itemsize == 2):
        return -1
    return DTYPE_CODE.get(dt.name, -1)


def encode_ndarray(out, a):
    # dtype.name is slow to compute, so the protocol code is looked up per dtype object.
    dt = a.dtype
    code = _array_codes.get(dt)
    if code is None:
        code = _array_codes[dt] = _array_code(dt)
    if code < 0:
        if dt.kind in "OUSVc":
            encode(out, a.tolist())
            return
        if dt.kind == "f" and dt.itemsize == 2:
            a = a.astype(np.float32)
        else:
            a = a.astype(dt.newbyteorder("<"))
        code = DTYPE_CODE.get(a.dtype.name)
        if code is None:
            raise BridgeError("bad_value", "arrays of dtype %s cannot cross the bridge (supported: %s)" % (dt, ", ".join(DTYPES)))
    shape = a.shape
    out += b"a"
    out.append(code)
    out.append(len(shape))
    for d in shape:
        out += _u32.pack(d)
    out += a.tobytes()  # C order whatever the strides


_EMPTY_MAP = b"m" + _u32.pack(0)


def encode(out, v):
    t = type(v)
    if t is _ndarray:
        encode_ndarray(out, v)
    elif t is dict and not v:
        out += _EMPTY_MAP
    elif t is bool:
        out += b"T" if v else b"F"
    elif t is int:
        if INT64_MIN <= v <= INT64_MAX:
            out += b"i"
            out += _i64.pack(v)
        else:
            out += b"d"
            out += _f64.pack(float(v))
    elif t is float:
        out += b"d"
        out += _f64.pack(v)
    elif t is str:
        b = v.encode("utf-8")
        out += b"s"
        out += _u32.pack(len(b))
        out += b
    elif v is None:
        out += b"N"
    elif t is dict or t is list or t is tuple:
        _encode_container(out, v)
    elif np is not None and isinstance(v, np.generic):
        if isinstance(v, np.bool_):
            out += b"T" if v else b"F"
        elif isinstance(v, np.integer):
            encode(out, int(v))
        elif isinstance(v, np.floating):
            encode(out, float(v))
        else:
            encode_ndarray(out, np.asarray(v))
    elif isinstance(v, bool):
        out += b"T" if v else b"F"
    elif isinstance(v, int):
        encode(out, int(v))
    elif isinstance(v, float):
        encode(out, float(v))
    elif isinstance(v, str):
        encode(out, str(v))
    elif isinstance(v, array.array):
        dtype_name = STRUCT_FORMATS.get(v.typecode)
        if dtype_name is None:
            encode(out, v.tolist())
        else:
            data = v.tobytes() if LITTLE else _swapped(v)
            _encode_array_bytes(out, dtype_name, (len(v),), data)
    elif isinstance(v, memoryview):
        fmt = v.format.lstrip("@=<")
        dtype_name = STRUCT_FORMATS.get(fmt)
        if dtype_name is None or not LITTLE:
            encode(out, v.tolist())
        else:
            _encode_array_bytes(out, dtype_name, v.shape, v.tobytes())
    elif isinstance(v, (bytes, bytearray)):
        out += b"y"
        out += _u32.pack(len(v))
        out += v
    elif isinstance(v, (dict, list, tuple)) or hasattr(v, "keys") and hasattr(v, "__getitem__"):
        _encode_container(out, v)
    elif np is not None and hasattr(v, "__array__"):
        encode_ndarray(out, np.asarray(v))
    else:
        b = repr(v).encode("utf-8", "replace")
        out += b"r"
        out += _u32.pack(len(b))
        out += b


def _encode_container(out, v):
    if isinstance(v, (list, tuple)):
        out += b"l"
        out += _u32.pack(len(v))
        for item in v:
            encode(out, item)
    else:
        keys = list(v.keys())
        out += b"m"
        out += _u32.pack(len(keys))
        for k in keys:
            encode(out, k if isinstance(k, str) else str(k))
            encode(out, v[k])


def _swapped(a):
    b = array.array(a.typecode, a)
    b.byteswap()
    return b.tobytes()


# ---------------------------------------------------------------- decoding

class Reader:
    __slots__ = ("buf", "pos")

    def __init__(self, buf, pos=0):
        self.buf = buf
        self.pos = pos

    def take(self, n):
        p = self.pos
        end = p + n
        if end > len(self.buf):
            raise BridgeError("bad_request", "truncated request (wanted %d bytes at offset %d of %d)" % (n, p, len(self.buf)))
        self.pos = end
        return self.buf[p:end]

    def u32(self):
        return _u32.unpack(self.take(4))[0]

    def value(self):
        tag = self.take(1)
        if tag == b"i":
            return _i64.unpack(self.take(8))[0]
        if tag == b"a":
            return self.array()
        if tag == b"d":
            return _f64.unpack(self.take(8))[0]
        if tag == b"N":
            return None
        if tag == b"T":
            return True
        if tag == b"F":
            return False
        if tag == b"s" or tag == b"r":
            return bytes(self.take(self.u32())).decode("utf-8")
        if tag == b"y":
            return bytes(self.take(self.u32()))
        if tag == b"l":
            return [self.value() for _ in range(self.u32())]
        if tag == b"m":
            n = self.u32()
            d = {}
            for _ in range(n):
                k = self.value()
                d[k] = self.value()
            return d
        raise BridgeError("bad_request", "unknown value tag %r at offset %d" % (tag, self.pos - 1))

    def array(self):
        code, ndim = self.take(2)
        if code >= len(DTYPES):
            raise BridgeError("bad_request", "unknown dtype code %d" % code)
        shape = tuple(self.u32() for _ in range(ndim))
        dtype_name = DTYPES[code]
        count = 1
        for d in shape:
            count *= d
        if np is not None:
            dt = np.dtype(dtype_name).newbyteorder("<")
            data = self.take(count * dt.itemsize)
            return np.frombuffer(data, dtype=dt, count=count).astype(dtype_name).reshape(shape)
        typecode = ARRAY_TYPECODE.get(dtype_name, "B")
        a = array.array(typecode)
        a.frombytes(bytes(self.take(count * a.itemsize)))
        if not LITTLE:
            a.byteswap()
        return a


# ---------------------------------------------------------------- spaces

def _class_names(obj):
    return [c.__name__ for c in type(obj).__mro__]


def _bounds(values, dtype_name, shape, size):
    if np is not None:
        return np.broadcast_to(np.asarray(values, dtype=dtype_name), shape).reshape(-1).copy()
    flat = _flatten(values)
    if len(flat) == 1 and size != 1:
        flat = flat * size
    if dtype_name in ("float32", "float64"):
        return array.array("f" if dtype_name == "float32" else "d", [float(x) for x in flat])
    return array.array(ARRAY_TYPECODE[dtype_name], [int(x) for x in flat])


def _flatten(values):
    if isinstance(values, (int, float)):
        return [values]
    out = []
    for x in values:
        out.extend(_flatten(x) if isinstance(x, (list, tuple, array.array, memoryview)) else [x])
    return out


def _dtype_name(dtype):
    name = getattr(dtype, "name", None)
    if name is None:
        name = getattr(dtype, "__name__", None) or str(dtype)
    return {"float": "float64", "int": "int64", "bool_": "bool"}.get(name, name)


def _shape(space):
    return tuple(int(d) for d in (getattr(space, "shape", None) or ()))


def describe_space(space):
    """A space as a plain dict for the C# side; unknown kinds carry their repr so the error can name them."""
    names = _class_names(space)
    if "Discrete" in names:
        return {"type": "Discrete", "n": int(space.n), "start": int(getattr(space, "start", 0))}
    if "Box" in names:
        shape = _shape(space)
        dtype_name = _dtype_name(space.dtype)
        size = 1
        for d in shape:
            size *= d
        low, high = space.low, space.high
        if dtype_name not in ("float32", "float64", "uint8"):
            return {"type": "Box", "dtype": dtype_name, "shape": list(shape), "repr": repr(space)}
        return {"type": "Box", "dtype": dtype_name, "shape": list(shape),
                "low": _bounds(low, dtype_name, shape, size), "high": _bounds(high, dtype_name, shape, size)}
    if "MultiDiscrete" in names:
        nvec = space.nvec
        start = getattr(space, "start", None)
        return {"type": "MultiDiscrete", "shape": list(_shape(space)),
                "nvec": [int(x) for x in _flatten(nvec.tolist() if hasattr(nvec, "tolist") else nvec)],
                "start": [int(x) for x in _flatten(start.tolist() if hasattr(start, "tolist") else start)] if start is not None else None}
    if "MultiBinary" in names:
        n = space.n
        shape = [int(n)] if isinstance(n, int) or (np is not None and isinstance(n, np.integer)) else [int(x) for x in n]
        return {"type": "MultiBinary", "shape": shape}
    if "Tuple" in names:
        return {"type": "Tuple", "spaces": [describe_space(s) for s in space.spaces]}
    if "Dict" in names:
        items = list(space.spaces.items())
        return {"type": "Dict", "keys": [str(k) for k, _ in items], "spaces": [describe_space(s) for _, s in items]}
    return {"type": names[0], "repr": repr(space)}


# ---------------------------------------------------------------- making the environment

def _import(name, context):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        missing = e.name or ""
        # Only the module asked for (or a parent package of it); a missing dependency inside it keeps its own traceback.
        if missing and (missing == name or name.startswith(missing + ".")):
            hint = "pip install gymnasium" if name.split(".")[0] in ("gymnasium", "gym") else "pip install the package that provides it"
            raise BridgeError("missing_module",
                              "Python module '%s' (%s) is not installed for %s (Python %s): %s, or point RL_PYTHON / the "
                              "'python' option at an interpreter or virtualenv that has it"
                              % (name, context, sys.executable, sys.version.split()[0], hint)) from e
        raise


class _TimeLimit:
    """Truncates after max_episode_steps steps (for directly built classes when gymnasium's TimeLimit is unavailable)."""

    def __init__(self, env, max_episode_steps):
        self.env = env
        self._max_episode_steps = max_episode_steps
        self._elapsed_steps = 0

    def __getattr__(self, name):
        return getattr(self.env, name)

    def reset(self, **kwargs):
        self._elapsed_steps = 0
        return self.env.reset(**kwargs)

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._elapsed_steps += 1
        return obs, reward, terminated, truncated or self._elapsed_steps >= self._max_episode_steps, info


def _time_limit(env, max_episode_steps):
    try:
        from gymnasium.wrappers import TimeLimit
    except ImportError:
        return _TimeLimit(env, max_episode_steps)
    return TimeLimit(env, max_episode_steps)


def _unwrap_time_limit(env):
    while type(env).__name__ == "TimeLimit" and hasattr(env, "env"):
        env = env.env
    return env


def _is_env_class(target):
    """A class with the environment interface: reset() and step() (gymnasium.Env subclasses and duck-typed ones)."""
    return isinstance(target, type) and all(callable(getattr(target, m, None)) for m in ("reset", "step"))


def _is_entry_point(target, env_id, init):
    """Whether a factory function is the entry point of an id registered in the registry module (gymnasium's convention)."""
    try:
        registry = importlib.import_module(init.get("module") or "gymnasium")
    except ImportError:
        return False
    specs = getattr(registry, "registry", None)
    if not hasattr(specs, "values"):
        specs = getattr(getattr(registry, "envs", None), "registry", None)
    if not hasattr(specs, "values"):
        return False
    return any(getattr(spec, "entry_point", None) is target or getattr(spec, "entry_point", None) == env_id for spec in specs.values())


def make_env(env_id, init):
    kwargs = dict(init.get("kwargs") or {})
    max_steps = init.get("max_episode_steps")
    module_name, sep, attr = env_id.partition(":")
    if sep:
        # 'module:Class' (or a factory function) is built directly; 'module:Env-v0' imports the module, which registers
        # its environments, then makes the id through the registry (Gymnasium's convention).
        module = _import(module_name, "named in the id '%s'" % env_id)
        target = getattr(module, attr, None)
        if target is not None and callable(target):
            if not _is_env_class(target) and not _is_entry_point(target, env_id, init):
                # Checked before the call: 'os:system' or 'subprocess:Popen' with keyword options would run any command.
                raise BridgeError("unknown_id", "'%s' is a %s, not an environment: a module:Class id must name a class with reset() "
                                  "and step() (a gymnasium.Env subclass) or a registered entry point; it is not called"
                                  % (env_id, type(target).__name__))
            env = target(**kwargs)
            if max_steps is not None and not init.get("disable_time_limit"):
                env = _time_limit(env, int(max_steps))
            return env, False
        if target is None and "-v" not in attr and "/" not in attr:
            public = sorted(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)))
            raise BridgeError("unknown_id", "module '%s' has no class or function '%s'; it has: %s"
                              % (module_name, attr, ", ".join(public) or "(nothing callable)"))
        env_id = attr
    registry = _import(init.get("module") or "gymnasium", "the environment registry")
    make = getattr(registry, "make", None)
    if make is None:
        raise BridgeError("unknown_id", "registry module '%s' has no make(id, **kwargs) function" % registry.__name__)
    if max_steps is not None:
        kwargs["max_episode_steps"] = int(max_steps)
    try:
        env = make(env_id, **kwargs)
    except Exception as e:
        names = _class_names(e)
        if any(n in ("NameNotFound", "NamespaceNotFound", "VersionNotFound", "UnregisteredEnv", "DeprecatedEnv") for n in names):
            raise BridgeError("unknown_id", "%s: %s" % (type(e).__name__, e)) from e
        if "DependencyNotInstalled" in names:  # e.g. "Box2D is not installed, run `pip install gymnasium[box2d]`"
            raise BridgeError("missing_module", "%s (for %s, Python %s)" % (e, sys.executable, sys.version.split()[0])) from e
        raise
    if init.get("disable_time_limit"):
        env = _unwrap_time_limit(env)
    return env, True


def describe_env(env, registered):
    metadata = getattr(env, "metadata", None) or {}
    spec = getattr(env, "spec", None)
    spec_dict = None
    if spec is not None:
        spec_dict = {
            "id": getattr(spec, "id", None),
            "max_episode_steps": getattr(spec, "max_episode_steps", None),
            "reward_threshold": getattr(spec, "reward_threshold", None),
            "nondeterministic": bool(getattr(spec, "nondeterministic", False)),
        }
    fps = metadata.get("render_fps")
    return {
        "protocol": PROTOCOL_VERSION,
        "observation_space": describe_space(env.observation_space),
        "action_space": describe_space(env.action_space),
        "render_modes": [str(m) for m in metadata.get("render_modes", [])],
        "render_fps": int(fps) if fps is not None else None,
        "render_mode": getattr(env, "render_mode", None),
        "spec": spec_dict,
        "registered": registered,
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "numpy": np.__version__ if np is not None else None,
        "pid": os.getpid(),
    }


# ---------------------------------------------------------------- process plumbing

def die_with_parent(parent_pid):
    """Linux: ask for SIGKILL when the parent (the thread that started us) dies, so a killed .NET parent leaves no worker."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except Exception:
            pass
    if parent_pid and os.getppid() != parent_pid:
        # The parent may have died before prctl; if it is gone, so are we.
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass


class Channel:
    def __init__(self):
        # Keep the protocol on private copies of fd 0 and 1; the environment's stdin reads nothing and its prints go to stderr.
        self.out_fd = os.dup(1)
        self.inp = os.fdopen(os.dup(0), "rb", buffering=1 << 16)
        os.dup2(2, 1)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)

    def read(self):
        header = self.inp.read(4)
        if len(header) < 4:
            return None
        n = _u32.unpack(header)[0]
        body = self.inp.read(n)
        if len(body) < n:
            return None
        return body

    def write(self, payload):
        parts = [_u32.pack(len(payload)), payload]
        while parts:
            n = os.writev(self.out_fd, parts)
            # A pipe write of this size normally completes at once; finish a partial one.
            while parts and n >= len(parts[0]):
                n -= len(parts[0])
                parts.pop(0)
            if parts and n:
                parts[0] = memoryview(parts[0])[n:]


def error_reply(kind, exc):
    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
    out = bytearray(b"E")
    encode(out, {"kind": kind, "type": type(exc).__name__, "message": str(exc), "traceback": "".join(tb)})
    return out


def serve(channel, env):
    step = env.step
    while True:
        body = channel.read()
        if body is None:
            return
        op = body[0:1]
        try:
            if op == b"S" or op == b"A":
                # Discrete actions (tag i, int64) skip the general decoder.
                action = _i64.unpack_from(body, 2)[0] if len(body) == 10 and body[1] == 105 else Reader(memoryview(body), 1).value()
                obs, reward, terminated, truncated, info = step(action)
                out = bytearray(b"K")
                encode(out, obs)
                done = bool(terminated) or bool(truncated)
                out += _step_tail.pack(float(reward), bool(terminated), bool(truncated))
                encode(out, info)
                if op == b"A":
                    if done:
                        obs, info = env.reset()
                        out += b"T"
                        encode(out, obs)
                        encode(out, info)
                    else:
                        out += b"F"
            elif op == b"R":
                r = Reader(memoryview(body), 1)
                seed = r.value()
                options = r.value()
                obs, info = env.reset(seed=seed, options=options)
                out = bytearray(b"K")
                encode(out, obs)
                encode(out, info)
            elif op == b"F":
                frame = env.render()
                out = bytearray(b"K")
                encode(out, frame)
            elif op == b"C":
                channel.write(b"K")
                return
            else:
                raise BridgeError("bad_request", "unknown opcode %r" % op)
        except BridgeError as e:
            out = error_reply(e.kind, e)
        except Exception as e:
            out = error_reply("env_error", e)
        channel.write(out)


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: gym_bridge.py <env-id> [<parent-pid>]\n")
        return 2
    env_id = argv[1]
    # Ctrl-C in a terminal reaches the whole process group; the parent decides when workers stop (it may checkpoint first).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Fatal errors print the Python stack to stderr, and so does SIGUSR1, which the parent sends before killing a worker
    # that timed out, so that its message shows where the environment hung.
    faulthandler.enable()
    if hasattr(signal, "SIGUSR1"):
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    die_with_parent(int(argv[2]) if len(argv) > 2 else 0)
    channel = Channel()
    body = channel.read()
    if body is None or body[0:1] != b"I":
        return 3
    try:
        init = Reader(memoryview(body), 1).value()
        env, registered = make_env(env_id, init)
        out = bytearray(b"K")
        encode(out, describe_env(env, registered))
    except BridgeError as e:
        channel.write(error_reply(e.kind, e))
        return 0
    except BaseException as e:
        channel.write(error_reply("env_error", e))
        return 0
    channel.write(out)
    try:
        serve(channel, env)
    finally:
        try:
            env.close()
        except Exception:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
