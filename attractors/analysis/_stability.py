r"""Jacobians and what their eigenvalues say about a fixed point.

:func:`jacobian_matrix` gives :math:`J = \partial F/\partial x` of any
continuous system (the model's analytic Jacobian, or central differences);
:func:`classify_stability` labels a spectrum stable / unstable / saddle /
marginal, and :func:`classify_fixed_point` names the fixed point's type as in
a phase-plane course (Strogatz 2015, ch. 5-6): node, focus, saddle,
saddle-focus, centre, and marginal / degenerate where an eigenvalue is zero
(as along a ring attractor).  Complex spectra are stored in Datasets as two
real variables (``eigenvalue_real``, ``eigenvalue_imag``), so that every result
saves with a plain ``to_netcdf``; :func:`as_complex` joins them again.

The small helpers every analysis module shares (``_check_system``, ``_field``,
``_labelled``) live here too, at the bottom of the analysis package.
"""

from __future__ import annotations

import numpy as np

from .._system import ContinuousSystem, DynamicalSystem
from .._validate import (
    ParameterError,
    check_choice,
    check_finite_array,
    check_positive,
    describe,
)

__all__ = ["as_complex", "classify_fixed_point", "classify_stability", "jacobian_matrix"]

#: Relative step of the central differences: h = eps**(1/3) * max(1, |x_j|) balances
#: the truncation error (h**2 |F'''|/6) against round-off (eps |F| / h), both ~ eps**(2/3)
#: ~ 4e-11 relative.
_FD_STEP = np.finfo(np.float64).eps ** (1.0 / 3.0)
#: Perturbed states per call of the vector field in finite differences (~ 8 bytes each).
_FD_CHUNK = 1 << 22


# --------------------------------------------------------------------------- shared helpers


def _check_system(system, kind=None) -> None:
    if not isinstance(system, DynamicalSystem):
        raise ParameterError(f"system must be an attractors.DynamicalSystem, got {describe(system)}")
    if kind is not None and not isinstance(system, kind):
        raise ParameterError(f"{system.name} must be a {kind.__name__} here, got a "
                             f"{type(system).__mro__[1].__name__}")


def _field(system, x, t, inputs):
    return np.asarray(system.vector_field(t, x, inputs), dtype=np.float64)


def _time_units(system) -> str:
    return getattr(system, "time_unit", "") or "model time units"


def _labelled(dataset, labels):
    """Attach CF ``long_name`` and ``units`` attrs: ``labels[name] = (long_name, units)``."""
    for name, (long_name, units) in labels.items():
        if name in dataset.variables:
            dataset[name].attrs.update({"long_name": long_name, "units": units})
    return dataset


# --------------------------------------------------------------------------- Jacobian


def _finite_difference_jacobian(system, x, t, inputs):
    """Central differences, all columns of many states in one call of the vector field.

    States are taken in chunks of at most ``_FD_CHUNK`` perturbed states per call,
    so memory stays bounded for large networks.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[-1]
    batch = x.shape[:-1]
    flat = x.reshape(-1, n)
    u = None if inputs is None else np.broadcast_to(np.asarray(inputs, dtype=np.float64),
                                                    batch + np.shape(inputs)[-1:])
    u_flat = None if u is None else u.reshape(-1, u.shape[-1])
    out = np.empty((flat.shape[0], n, n))
    eye = np.eye(n)
    per_call = max(1, _FD_CHUNK // (n * n))
    for start in range(0, flat.shape[0], per_call):
        xs = flat[start:start + per_call]
        h = _FD_STEP * np.maximum(1.0, np.abs(xs))  # (b, n)
        shifts = eye * h[:, None, :]  # (b, j, n): column j perturbed
        us = None if u_flat is None else u_flat[start:start + per_call, None, :]
        plus = _field(system, xs[:, None, :] + shifts, t, us)
        minus = _field(system, xs[:, None, :] - shifts, t, us)
        # plus[b, j, i] = F_i(x + h_j e_j): transpose to J[b, i, j].
        out[start:start + per_call] = np.swapaxes((plus - minus) / (2.0 * h[:, :, None]), -1, -2)
    return out.reshape(batch + (n, n))


def _jacobian_function(system, method):
    if callable(method):
        return (lambda x, t, u: np.asarray(method(t, x, u), dtype=np.float64)), "user"
    method = check_choice("jacobian", method, ("auto", "analytic", "finite_differences"))
    if method != "finite_differences":
        try:
            system.jacobian(0.0, np.zeros(system.n_units))
            return (lambda x, t, u: np.asarray(system.jacobian(t, x, u), dtype=np.float64)), \
                "analytic"
        except NotImplementedError:
            if method == "analytic":
                raise ParameterError(f"jacobian='analytic', but {system.name} gives no analytic "
                                     "Jacobian; use jacobian='auto' or 'finite_differences'") from None
    return (lambda x, t, u: _finite_difference_jacobian(system, x, t, u)), "finite_differences"


def jacobian_matrix(system, x, *, t: float = 0.0, inputs=None, method: str = "auto"):
    r"""The Jacobian :math:`J_{ij} = \partial F_i / \partial x_j` of a continuous system.

    Analytic where the model gives :meth:`~attractors.ContinuousSystem.jacobian`,
    otherwise central finite differences with step
    :math:`h_j = \epsilon^{1/3} \max(1, |x_j|)` (error about
    :math:`\epsilon^{2/3} \approx 4\times10^{-11}` relative), all columns of all
    states evaluated in one call of the vector field.

    Parameters
    ----------
    system : ContinuousSystem
    x : array_like, shape (..., n_units)
    t : float
    inputs : array_like, optional
        Constant input, broadcastable to ``x.shape[:-1] + input_shape``.
    method : {"auto", "analytic", "finite_differences"}

    Returns
    -------
    ndarray, shape (..., n_units, n_units)

    Examples
    --------
    >>> from attractors.models import LinearSystem
    >>> jacobian_matrix(LinearSystem([[-1.0, 2.0], [0.0, -3.0]]), [0.5, 0.5],
    ...                 method="finite_differences").round(8)
    array([[-1.,  2.],
           [ 0., -3.]])
    """
    _check_system(system, ContinuousSystem)
    x = check_finite_array("x", x, dtype=np.float64)
    function, _ = _jacobian_function(system, method)
    return function(x, float(t), inputs)


# --------------------------------------------------------------------------- spectra


def _growth(eigenvalues, tol, discrete):
    tol = check_positive("tol", tol, allow_zero=True)
    values = np.asarray(eigenvalues)
    if values.ndim == 0:
        raise ParameterError("eigenvalues must have at least one axis (the modes), got a scalar")
    sigma = np.abs(values) - 1.0 if discrete else values.real
    return values, sigma, tol


def classify_stability(eigenvalues, tol: float = 1e-6, *, discrete: bool = False):
    r"""Label fixed points by the real parts of their Jacobian's eigenvalues.

    With :math:`\sigma_k = \mathrm{Re}\,\lambda_k` (for a map,
    :math:`\sigma_k = |\lambda_k| - 1`): ``"stable"`` if every
    :math:`\sigma_k < -\mathrm{tol}`; ``"unstable"`` if every
    :math:`\sigma_k > \mathrm{tol}`; ``"saddle"`` if some are above tol and
    some below -tol; otherwise (some :math:`|\sigma_k| \le` tol and none above)
    ``"marginal"``, as on a line of fixed points.  A point with growing modes
    and zero modes but no decaying ones is ``"unstable"``.

    Parameters
    ----------
    eigenvalues : array_like, shape (..., n_modes)
    tol : float
        Eigenvalues within tol of the imaginary axis count as zero.
    discrete : bool
        The eigenvalues are a map's multipliers (stability inside the unit circle).

    Returns
    -------
    ndarray of str, shape (...)

    See Also
    --------
    classify_fixed_point : the type of point (node, focus, saddle, centre, ...).

    Examples
    --------
    >>> classify_stability([[-1.0, -2.0], [1.0, -2.0], [0.0, -1.0], [1.0, 2.0]])
    array(['stable', 'saddle', 'marginal', 'unstable'], dtype='<U8')
    """
    _, sigma, tol = _growth(eigenvalues, tol, discrete)
    growing = np.any(sigma > tol, axis=-1)
    decaying = np.any(sigma < -tol, axis=-1)
    all_decaying = np.all(sigma < -tol, axis=-1)
    return np.where(all_decaying, "stable",
                    np.where(growing & decaying, "saddle",
                             np.where(growing, "unstable", "marginal"))).astype("<U8")


def classify_fixed_point(eigenvalues, tol: float = 1e-6, *, discrete: bool = False):
    r"""Name a fixed point's type from its eigenvalues: node, focus, saddle, centre, ...

    With :math:`\sigma_k = \mathrm{Re}\,\lambda_k` and
    :math:`\omega_k = \mathrm{Im}\,\lambda_k` (for a map's multipliers
    :math:`\mu_k`: :math:`\sigma_k = |\mu_k| - 1`, :math:`\omega_k =
    \mathrm{Im}\,\mu_k`), a mode grows if :math:`\sigma_k > \mathrm{tol}`,
    decays if :math:`\sigma_k < -\mathrm{tol}`, and is otherwise neutral: a
    *zero mode* if also :math:`|\omega_k| \le \mathrm{tol}`, an *oscillating
    neutral mode* if not.  It rotates if :math:`|\omega_k| > \mathrm{tol}`.
    The labels (Strogatz 2015, sec. 5.2 and 6.3, extended to N dimensions):

    ======================  ==================================================
    ``"stable node"``       every mode decays, none rotates
    ``"stable focus"``      every mode decays, some rotate (spiral sink)
    ``"unstable node"``     every mode grows, none rotates
    ``"unstable focus"``    every mode grows, some rotate (spiral source)
    ``"saddle"``            some grow, some decay, the growing and decaying
                            ones real
    ``"saddle-focus"``      some grow, some decay, some of those rotate
    ``"centre"``            none grows, none is a zero mode, some neutral
                            ones oscillate (closed orbits in the linearisation)
    ``"marginal"``          none grows, some zero modes: a line or ring of
                            fixed points (a continuous attractor's zero mode)
    ``"degenerate"``        some grow and some are zero modes, none decays
    ======================  ==================================================

    Non-hyperbolic labels ("centre", "marginal", "degenerate") say only what
    the linearisation says: nonlinear terms decide the true stability there.

    Parameters
    ----------
    eigenvalues : array_like, shape (..., n_modes)
        Eigenvalues of the Jacobian (or multipliers of a map).
    tol : float
        Real and imaginary parts within tol of zero count as zero.
    discrete : bool
        The eigenvalues are a map's multipliers.

    Returns
    -------
    ndarray of str, shape (...)

    References
    ----------
    S. H. Strogatz, Nonlinear Dynamics and Chaos, 2nd ed., Westview (2015).

    Examples
    --------
    >>> classify_fixed_point([[-1, -2], [-1 + 2j, -1 - 2j], [1, -2], [2j, -2j]]).tolist()
    ['stable node', 'stable focus', 'saddle', 'centre']
    >>> classify_fixed_point([[0, -1], [1 + 1j, 1 - 1j], [1, 2], [0, 1]]).tolist()
    ['marginal', 'unstable focus', 'unstable node', 'degenerate']
    >>> classify_fixed_point([[1 + 1j, 1 - 1j, -3]]).tolist()
    ['saddle-focus']
    """
    values, sigma, tol = _growth(eigenvalues, tol, discrete)
    omega = np.abs(values.imag) if np.iscomplexobj(values) else np.zeros(sigma.shape)
    grows, decays = sigma > tol, sigma < -tol
    neutral = ~grows & ~decays
    zero = neutral & (omega <= tol)
    rotates = omega > tol
    any_grows, any_decays = grows.any(axis=-1), decays.any(axis=-1)
    any_zero, any_neutral = zero.any(axis=-1), neutral.any(axis=-1)
    spiral = (rotates & ~neutral).any(axis=-1)
    hyperbolic_sink = np.where(spiral, "stable focus", "stable node")
    hyperbolic_source = np.where(spiral, "unstable focus", "unstable node")
    labels = np.where(any_grows & any_decays, np.where(spiral, "saddle-focus", "saddle"),
             np.where(any_grows & any_zero, "degenerate",
             np.where(any_grows, hyperbolic_source,
             np.where(any_zero, "marginal",
             np.where(any_neutral, "centre", hyperbolic_sink)))))
    return np.asarray(labels).astype("<U14")


def as_complex(result, name: str = "eigenvalue"):
    """Join ``{name}_real`` and ``{name}_imag`` of an analysis Dataset into one complex DataArray.

    Analysis results store complex spectra as two float variables so that they
    save with a plain ``to_netcdf`` (netCDF has no complex type).

    Parameters
    ----------
    result : xarray.Dataset
        For example the output of :func:`find_fixed_points` or :func:`compare`.
    name : str
        ``"eigenvalue"`` or ``"eigenvector"``.

    Returns
    -------
    xarray.DataArray, complex

    Examples
    --------
    >>> from attractors.analysis import find_fixed_points
    >>> from attractors.models import LinearSystem
    >>> fp = find_fixed_points(LinearSystem([[-1.0, -2.0], [2.0, -1.0]]), [[1.0, 0.0]])
    >>> as_complex(fp).values[0].round(12).tolist(), str(fp.point_type.values[0])
    ([(-1+2j), (-1-2j)], 'stable focus')
    """
    real, imag = f"{name}_real", f"{name}_imag"
    if not hasattr(result, "data_vars") or real not in result or imag not in result:
        raise ParameterError(f"result must be an analysis Dataset with {real!r} and {imag!r}, "
                             f"got {describe(result)}")
    joined = result[real] + 1j * result[imag]
    joined.attrs = {"long_name": result[real].attrs.get("long_name", name).replace(
        " (real part)", ""), "units": result[real].attrs.get("units", "")}
    return joined.rename(name)
