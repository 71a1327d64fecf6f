r"""External inputs: constant, a function of time, or sampled and interpolated.

:func:`attractors.simulate` accepts ``inputs`` as

* ``None`` (no input);
* an array, held constant: shape ``input_shape`` (shared by all trials) or
  ``(n_trials, *input_shape)`` (one per trial), or anything broadcastable to it;
* a callable ``u(t)`` returning such an array;
* a :class:`Sampled` time series (or an :class:`xarray.DataArray` with a
  ``time`` dimension), interpolated between samples.

The model's ``input_shape`` says what one trial's input is: one current per
unit by default, a scalar angular velocity for a ring attractor.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validate import ParameterError, check_choice, check_finite_array, describe

__all__ = ["Constant", "Function", "Sampled", "as_input", "from_trajectory"]


class Constant:
    """An input held constant in time."""

    varies_in_time = False

    def __init__(self, value):
        self.value = check_finite_array("inputs", value)
        if self.value.dtype.kind not in "fc":
            self.value = self.value.astype(np.float64)

    def __call__(self, t: float) -> np.ndarray:
        return self.value

    def __repr__(self) -> str:
        return f"Constant(shape={self.value.shape})"


class Sampled:
    r"""An input given at sample times and interpolated in between.

    Parameters
    ----------
    times : array_like, shape (n_samples,)
        Strictly increasing sample times.
    values : array_like, shape (n_samples, ...)
        The input at each sample time: ``(n_samples, *input_shape)`` shared by all
        trials, or ``(n_samples, n_trials, *input_shape)`` per trial.
    kind : {"linear", "previous"}
        Linear interpolation, or hold the last sample (zero-order hold, for
        piecewise-constant protocols such as cue on / cue off).

    Notes
    -----
    Linear interpolation: for :math:`t_k \le t \le t_{k+1}`,
    :math:`u(t) = u_k + (t - t_k)(u_{k+1} - u_k)/(t_{k+1} - t_k)`.
    Times outside ``[times[0], times[-1]]`` are refused by :func:`simulate`
    before the run starts, not extrapolated.
    """

    varies_in_time = True

    def __init__(self, times, values, *, kind: str = "linear"):
        self.times = check_finite_array("times", times, dtype=np.float64)
        self.values = check_finite_array("values", values)
        if self.values.dtype.kind not in "fc":
            self.values = self.values.astype(np.float64)
        self.kind = check_choice("kind", kind, ["linear", "previous"])
        if self.times.ndim != 1 or self.times.size < 1:
            raise ParameterError(
                f"times must be a 1-D array with at least one sample, got shape {self.times.shape}"
            )
        if self.values.ndim < 1 or self.values.shape[0] != self.times.size:
            raise ParameterError(
                f"values must have one entry per sample time along its first axis "
                f"({self.times.size}), got shape {self.values.shape}"
            )
        if np.any(np.diff(self.times) <= 0):
            raise ParameterError("times must be strictly increasing")

    @property
    def span(self) -> tuple[float, float]:
        return float(self.times[0]), float(self.times[-1])

    def __call__(self, t: float) -> np.ndarray:
        times = self.times
        if self.kind == "previous":
            index = int(np.searchsorted(times, t, side="right")) - 1
            return self.values[max(index, 0)]
        index = int(np.searchsorted(times, t, side="right"))
        if index <= 0:
            return self.values[0]
        if index >= times.size:
            return self.values[-1]
        weight = (t - times[index - 1]) / (times[index] - times[index - 1])
        return self.values[index - 1] + weight * (self.values[index] - self.values[index - 1])

    def __repr__(self) -> str:
        return (f"Sampled(n_samples={self.times.size}, value_shape={self.values.shape[1:]}, "
                f"kind={self.kind!r})")


class Function:
    """An input given as a Python callable ``u(t)``."""

    varies_in_time = True

    def __init__(self, function: Callable[[float], np.ndarray]):
        self.function = function

    def __call__(self, t: float) -> np.ndarray:
        value = np.asarray(self.function(t))
        # Complex values pass through, so that simulate() can refuse them by name
        # (a cast would drop the imaginary part); everything else becomes float64.
        return value if value.dtype.kind == "c" else np.asarray(value, dtype=np.float64)

    def __repr__(self) -> str:
        return f"Function({getattr(self.function, '__name__', 'callable')})"


def as_input(inputs, system, batch_shape: tuple[int, ...], t_span: tuple[float, float]):
    """Wrap ``inputs`` as a callable of time and validate it against ``system``.

    Returns None when ``inputs`` is None.  Checks, before any work starts, that
    the input's value at both ends of ``t_span`` is finite and broadcasts to
    ``batch_shape + system.input_shape`` and that a sampled input covers the
    span.
    """
    if inputs is None:
        return None
    if isinstance(inputs, (Constant, Sampled, Function)):
        source = inputs
    elif type(inputs).__module__.startswith("xarray") and hasattr(inputs, "dims"):
        if "time" not in inputs.dims:
            raise ParameterError(
                f"an xarray inputs must have a 'time' dimension, got dims {inputs.dims}"
            )
        inputs = inputs.transpose("time", ...)
        source = Sampled(inputs["time"].values, inputs.values)
    elif callable(inputs):
        source = Function(inputs)
    else:
        source = Constant(inputs)

    if isinstance(source, Sampled):
        start, stop = source.span
        tolerance = 1e-9 * max(1.0, abs(t_span[1]))
        if t_span[0] < start - tolerance or t_span[1] > stop + tolerance:
            raise ParameterError(
                f"inputs are sampled on [{start:g}, {stop:g}], which does not cover the "
                f"simulated span [{t_span[0]:g}, {t_span[1]:g}]; extend the samples"
            )

    target = tuple(batch_shape) + tuple(system.input_shape)
    for t in t_span:
        try:
            value = np.asarray(source(t))
        except Exception as error:  # the user's callable failed: say where
            raise ParameterError(f"inputs({t!r}) raised {type(error).__name__}: {error}") from error
        try:
            broadcast = np.broadcast_shapes(value.shape, target)
        except ValueError:
            broadcast = None
        if broadcast != target:
            raise ParameterError(
                f"inputs has shape {value.shape} at t={t:g}, which does not broadcast to "
                f"{target} (trials {tuple(batch_shape)} x input_shape "
                f"{tuple(system.input_shape)} of {system.name}); allowed: "
                f"{tuple(system.input_shape)} shared by all trials"
                + (f" or {target} per trial" if batch_shape else "")
            )
        if value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
            raise ParameterError(f"inputs must be finite, but inputs({t:g}) contains {describe(value)}")
        if value.dtype.kind == "c" and system.state_dtype.kind != "c":
            raise ParameterError(
                f"inputs must be real for {system.name}, whose states are real (dtype "
                f"{system.state_dtype}); inputs({t:g}) is complex ({describe(value)})"
            )
        system.check_input(value)
    return source


def from_trajectory(trajectory):
    """The input of a recorded run, rebuilt from its trajectory (or its file).

    A trajectory keeps a constant input whole (``input`` without a time
    dimension) and a sampled input as given (``input_series`` over
    ``input_time``, with its interpolation), so the run can be repeated exactly
    from the file: the model from :func:`attractors.parameters`, the seed from
    ``attrs["seed"]``, and the input from here.  An input given as a Python
    function is recorded only at the recorded times and cannot be rebuilt.

    Parameters
    ----------
    trajectory : xarray.Dataset
        A trajectory of :func:`attractors.simulate`.

    Returns
    -------
    Constant, Sampled or None
        None when the run had no input.

    Raises
    ------
    ParameterError
        When the run's input was a function of time, or ``trajectory`` is not a
        trajectory.

    Examples
    --------
    >>> import attractors
    >>> from attractors.inputs import Sampled, from_trajectory
    >>> from attractors.models import LinearSystem
    >>> cue = Sampled([0.0, 1.0, 2.0], [[0.0], [1.0], [0.0]])
    >>> run = attractors.simulate(LinearSystem([[-1.0]]), [0.0], t_span=2.0, dt=0.1,
    ...                           inputs=cue, record_every=5, seed=0)
    >>> again = attractors.simulate(LinearSystem(**attractors.parameters(run)), [0.0],
    ...                             t_span=2.0, dt=0.1, inputs=from_trajectory(run),
    ...                             record_every=5, seed=run.attrs["seed"])
    >>> bool((again.state == run.state).all())
    True
    """
    attrs = getattr(trajectory, "attrs", None)
    if not isinstance(attrs, dict) or not hasattr(trajectory, "variables"):
        raise ParameterError(
            f"trajectory must be an xarray.Dataset returned by attractors.simulate, got "
            f"{describe(trajectory)}"
        )
    if "input_series" in trajectory.variables:
        series = trajectory["input_series"]
        return Sampled(trajectory["input_time"].values, series.values,
                       kind=series.attrs.get("interpolation", "linear"))
    if "input" not in trajectory.variables:
        return None
    recorded = trajectory["input"]
    if "time" not in recorded.dims:
        return Constant(recorded.values)
    raise ParameterError(
        f"the run's input was {attrs.get('inputs', 'a function of time')}, which a file holds "
        f"only at the recorded times; rebuild it from the function, or pass the input as a "
        f"Sampled series so that the trajectory keeps it whole"
    )
