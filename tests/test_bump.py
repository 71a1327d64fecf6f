"""Bump decoding on a ring against closed forms (attractors/analysis/_bump.py)."""

import numpy as np
import pytest
from scipy.special import i0, i1

from attractors._validate import ParameterError
from attractors.analysis import (
    bump_amplitude,
    bump_position,
    bump_width,
    ring_angles,
    tracking_error,
    unwrap_heading,
    wrap_angle,
)


def von_mises(theta, centre, kappa, baseline=0.0):
    return baseline + np.exp(kappa * np.cos(theta - centre))


def test_position_is_exact_for_symmetric_bumps_in_a_batch():
    # An even profile sampled on a uniform ring has a population vector pointing
    # exactly at its centre, whatever the centre (not only at unit angles): the
    # discrete sum against sin(theta_i - c) of a von Mises bump is its aliased
    # Fourier coefficient, which vanishes by symmetry up to terms of order
    # I_N(kappa) ~ 1e-40 here; round-off is ~1e-15.
    theta = ring_angles(64)
    centres = np.random.default_rng(1).uniform(-np.pi, np.pi, size=(5, 3))
    rates = von_mises(theta, centres[..., None], 4.0, baseline=2.5)
    decoded = bump_position(rates, theta)
    assert decoded.shape == (5, 3)
    np.testing.assert_allclose(wrap_angle(decoded - centres), 0.0, atol=1e-12)


def test_position_of_a_flat_profile_is_nan_and_theta_is_checked():
    assert np.isnan(bump_position(np.ones(16)))
    with pytest.raises(ParameterError, match="theta must hold one angle per unit"):
        bump_position(np.ones(16), ring_angles(8))
    with pytest.raises(ParameterError, match="last axis"):
        bump_position(np.ones(1))


def test_amplitude_is_peak_minus_baseline():
    theta = ring_angles(32)  # the peak (theta=0) and the trough (theta=pi) are units
    rates = von_mises(theta, 0.0, 2.0, baseline=1.0)
    assert bump_amplitude(rates) == pytest.approx(np.exp(2.0) - np.exp(-2.0), rel=1e-14)
    assert bump_amplitude(np.full((3, 8), 4.0)).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("kappa", [1.0, 4.0, 20.0])
def test_circular_std_of_a_von_mises_bump(kappa):
    # With the minimum e^{-kappa} removed, R = I1(k) / (I0(k) - e^{-k}) exactly in
    # the continuum; the 256-point sums differ from the integrals by aliased
    # Bessel terms I_256(k) < 1e-200, so only round-off (1e-13) remains.  The
    # centre sits on a unit, so the trough (opposite) is sampled and the
    # removed minimum is e^{-kappa} exactly.
    theta = ring_angles(256)
    rates = von_mises(theta, theta[17], kappa, baseline=3.0)
    resultant = i1(kappa) / (i0(kappa) - np.exp(-kappa))
    expected = np.sqrt(-2.0 * np.log(resultant))
    assert bump_width(rates, theta) == pytest.approx(expected, rel=1e-11)


@pytest.mark.parametrize("kappa", [2.0, 8.0])
def test_fwhm_of_a_von_mises_bump(kappa):
    # Half height above the minimum e^{-k}: e^{k cos(phi)} = cosh(k), so
    # FWHM = 2 arccos(ln(cosh k) / k).  Linear interpolation misplaces each
    # crossing by at most (h^2 / 8) |r''| / |r'| with h = 2 pi / 3600; for these
    # bumps that is < 1e-6 rad, so rtol 1e-5 of a width of ~1 rad is ample.
    theta = ring_angles(3600)
    rates = von_mises(theta, -2.0, kappa)
    expected = 2.0 * np.arccos(np.log(np.cosh(kappa)) / kappa)
    assert bump_width(rates, theta, method="fwhm") == pytest.approx(expected, rel=1e-5)


def test_width_of_flat_profiles_is_nan_and_method_is_checked():
    assert np.isnan(bump_width(np.ones(10))).all()
    assert np.isnan(bump_width(np.ones(10), method="fwhm")).all()
    with pytest.raises(ParameterError, match="method must be one of"):
        bump_width(np.ones(10), method="std")


def test_unwrap_recovers_a_heading_that_turns_several_times():
    t = np.arange(200.0)
    heading = 0.4 * t - 0.002 * t**2  # turns 11 times one way, then back
    trials = np.stack([heading, -heading], axis=1)  # (time, trial)
    unwrapped = unwrap_heading(wrap_angle(trials))
    np.testing.assert_allclose(unwrapped, trials, atol=1e-12)
    # A gap (no bump) does not break the unwrapping on either side.
    gapped = wrap_angle(heading)
    gapped[50:53] = np.nan
    result = unwrap_heading(gapped)
    assert np.isnan(result[50:53]).all()
    np.testing.assert_allclose(np.delete(result, [50, 51, 52]), np.delete(heading, [50, 51, 52]),
                               atol=1e-12)


def test_tracking_error_drift_and_rms_are_exact_for_a_linear_error():
    # decoded = true + e0 + d t, wrapped: the slope of the unwrapped error is d
    # exactly; the error runs past pi (d * t_end = 6 rad), which wrapping alone
    # would hide.  The RMS of the wrapped error is computed independently.
    times = np.linspace(0.0, 20.0, 401)
    true = np.sin(times)[:, None] * np.array([1.0, 3.0])  # (time, trial)
    drift = np.array([0.3, -0.05])
    decoded = wrap_angle(true + 0.1 + drift * times[:, None])
    result = tracking_error(decoded, true, times)
    np.testing.assert_allclose(result.drift, drift, rtol=1e-12)
    expected_rms = np.sqrt(np.mean(wrap_angle(0.1 + drift * times[:, None]) ** 2, axis=0))
    np.testing.assert_allclose(result.rms, expected_rms, rtol=1e-12)
    np.testing.assert_allclose(result.error, 0.1 + drift * times[:, None], atol=1e-12)
    # The time axis can be anywhere.
    moved = tracking_error(decoded.T, true.T, times, axis=1)
    np.testing.assert_allclose(moved.drift, drift, rtol=1e-12)


def test_tracking_error_checks_its_arguments():
    with pytest.raises(ParameterError, match="times must have shape"):
        tracking_error(np.zeros(5), np.zeros(5), np.arange(4.0))
    with pytest.raises(ParameterError, match="broadcast"):
        tracking_error(np.zeros(5), np.zeros(4))
