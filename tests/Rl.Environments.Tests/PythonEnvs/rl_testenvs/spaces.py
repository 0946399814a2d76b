"""Gymnasium's space classes reduced to what the bridge reads: class names and attributes (n, start, low, high, shape,
dtype, nvec, spaces)."""

import array

try:
    import numpy as np
except ImportError:
    np = None


def _size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _array(values, dtype, shape):
    """A NumPy array when NumPy exists, else a flat array.array."""
    if np is not None:
        return np.broadcast_to(np.asarray(values, dtype=dtype), shape).copy()
    flat = list(values) if isinstance(values, (list, tuple, array.array)) else [values] * _size(shape)
    code = {"float32": "f", "float64": "d", "uint8": "B", "int64": "q", "int8": "b"}[dtype]
    return array.array(code, [float(x) if code in "fd" else int(x) for x in flat])


class Space:
    shape = ()
    dtype = None


class Discrete(Space):
    def __init__(self, n, start=0):
        self.n = int(n)
        self.start = int(start)
        self.dtype = "int64"

    def contains(self, x):
        try:
            return float(x) == int(x) and self.start <= int(x) < self.start + self.n
        except (TypeError, ValueError):
            return False

    def __repr__(self):
        return "Discrete(%d)" % self.n if self.start == 0 else "Discrete(%d, start=%d)" % (self.n, self.start)


class Box(Space):
    def __init__(self, low, high, shape=None, dtype="float32"):
        if shape is None:
            shape = (len(low),) if isinstance(low, (list, tuple, array.array)) else getattr(low, "shape", ())
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype) if np is not None else dtype
        self.low = _array(low, dtype, self.shape)
        self.high = _array(high, dtype, self.shape)

    def __repr__(self):
        return "Box(%s, %s, %s, %s)" % (min(self.low), max(self.high), self.shape, self.dtype)


class MultiDiscrete(Space):
    def __init__(self, nvec, start=None):
        self.shape = (len(nvec),) if not hasattr(nvec, "shape") else tuple(nvec.shape)
        self.nvec = _array(nvec, "int64", self.shape)
        self.start = _array(start if start is not None else 0, "int64", self.shape)
        self.dtype = "int64"

    def __repr__(self):
        return "MultiDiscrete(%s)" % list(self.nvec)


class MultiBinary(Space):
    def __init__(self, n):
        self.n = n
        self.shape = (n,) if isinstance(n, int) else tuple(n)
        self.dtype = "int8"

    def __repr__(self):
        return "MultiBinary(%s)" % (self.n,)


class Tuple(Space):
    def __init__(self, spaces):
        self.spaces = tuple(spaces)

    def __repr__(self):
        return "Tuple(%s)" % ", ".join(map(repr, self.spaces))


class Dict(Space):
    def __init__(self, spaces):
        # Gymnasium sorts the keys of a plain dict.
        self.spaces = {k: spaces[k] for k in sorted(spaces)}

    def __repr__(self):
        return "Dict(%s)" % ", ".join("%r: %r" % kv for kv in self.spaces.items())


class Text(Space):
    """A kind the C# side does not support (for the error-message test)."""

    def __init__(self, max_length):
        self.max_length = max_length

    def __repr__(self):
        return "Text(%d)" % self.max_length
