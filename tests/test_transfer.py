"""Transfer functions against quadrature, finite differences and their defining formulas."""

import numpy as np
import pytest
from scipy.integrate import quad

from attractors._validate import ParameterError
from attractors.transfer import (
    CustomTransfer,
    Logistic,
    PowerLaw,
    Tanh,
    ThresholdLinear,
    ZhangSigmoid,
    get_transfer,
)

FUNCTIONS = {
    "tanh": Tanh(1.0),
    "tanh-steep": Tanh(3.0),
    "logistic": Logistic(2.0),
    "threshold-linear": ThresholdLinear(1.5, 0.3),
    "threshold-linear-negative": ThresholdLinear(1.0, -0.4),
    "power-law-2": PowerLaw(2.0, 2.0, -0.2),
    "power-law-half": PowerLaw(1.0, 0.5, 0.1),
    "zhang": ZhangSigmoid(),
}
POINTS = np.array([-3.0, -0.7, -0.3, 0.0, 0.25, 1.1, 4.0])


@pytest.mark.parametrize("f", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_integral_matches_quadrature(f):
    # quad with 1e-13 tolerances is exact to ~1e-13 of the integral; the
    # closed forms (and Zhang's panel Gauss-Legendre) are exact to round-off of
    # values up to ~30, so 1e-12 absolute is round-off plus quad's error.
    expected = np.array([quad(f, 0, x, epsabs=1e-13, epsrel=1e-13, limit=200)[0] for x in POINTS])
    np.testing.assert_allclose(f.integral(POINTS), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("f", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_derivative_matches_finite_differences(f):
    # Central differences with h = 1e-6 have truncation error h^2 |f'''| / 6 and
    # round-off eps |f| / h ~ 1e-10 |f|; points avoid the kinks of the rectified
    # functions (closer than h to the threshold).
    h = 1e-6
    numeric = (f(POINTS + h) - f(POINTS - h)) / (2 * h)
    scale = 1 + np.abs(f(POINTS))
    np.testing.assert_allclose(f.derivative(POINTS) / scale, numeric / scale, atol=2e-8)


@pytest.mark.parametrize("f", [Tanh(2.0), Logistic(3.0), ThresholdLinear(1.5, 0.3),
                               PowerLaw(2.0, 2.0, -0.2), ZhangSigmoid()],
                         ids=["tanh", "logistic", "threshold-linear", "power-law", "zhang"])
def test_inverse_and_its_integral(f):
    u = np.array([-0.35, 0.3, 0.7, 1.5])
    v = f(u)
    positive = v > 0 if isinstance(f, (PowerLaw, ZhangSigmoid)) else np.ones(u.shape, bool)
    np.testing.assert_allclose(f(f.inverse(v[positive])), v[positive], rtol=1e-12)
    for value in v[positive]:
        # The integrands have integrable log singularities at the ends of the
        # range (tanh, logistic, Zhang at 0); quad resolves them to ~1e-10.
        expected = quad(f.inverse, 0, value, epsabs=1e-12, epsrel=1e-12, limit=200)[0]
        np.testing.assert_allclose(f.integral_of_inverse(value), expected, rtol=1e-9, atol=1e-10)


def test_graded_response_integral_is_finite_at_saturation():
    # (1+V)ln(1+V)/2 + (1-V)ln(1-V)/2 -> ln 2 at V = +-1 (Hopfield 1984's term stays bounded).
    assert np.allclose(Tanh(2.0).integral_of_inverse(np.array([-1.0, 1.0])), np.log(2) / 2)
    assert np.allclose(Logistic(2.0).integral_of_inverse(np.array([0.0, 1.0])), 0.0)


def test_zhang_sigmoid_is_zhangs_formula_and_overflow_safe():
    f = ZhangSigmoid()
    assert (f.a, f.b, f.c, f.beta) == (6.34, 10.0, 0.5, 0.8)  # Zhang (1996)
    u = np.array([-0.6, -0.5, 0.0, 0.3])
    np.testing.assert_allclose(f(u), 6.34 * np.log1p(np.exp(10 * (u + 0.5))) ** 0.8, rtol=1e-14)
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        extreme = np.array([-1e4, -80.0, 80.0, 1e4])
        values, slopes = f(extreme), f.derivative(extreme)
        integral = f.integral(extreme)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(slopes)) and np.all(np.isfinite(integral))
    # Far above threshold sp(y) = y, so f ~ a (b (u + c))^beta and f' ~ a beta b^beta (u + c)^(beta - 1).
    np.testing.assert_allclose(values[-1], 6.34 * (10 * (1e4 + 0.5)) ** 0.8, rtol=1e-14)
    np.testing.assert_allclose(slopes[-1], 6.34 * 0.8 * 10**0.8 * (1e4 + 0.5) ** -0.2, rtol=1e-14)
    assert values[0] == 0.0 and slopes[0] == 0.0
    # Below threshold the integral approaches -int_{-inf}^0 f: two far points agree.
    assert integral[0] == pytest.approx(integral[1], rel=1e-14)


@pytest.mark.parametrize("f", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_monotone_flag_is_true_and_slope_nonnegative(f):
    assert f.monotone
    assert np.all(f.derivative(np.linspace(-5, 5, 1001)) >= 0)


def test_get_transfer_names_dicts_and_instances():
    assert get_transfer("tanh") == Tanh()
    assert get_transfer("Threshold-Linear", threshold=0.2) == ThresholdLinear(threshold=0.2)
    assert get_transfer({"name": "zhang", "beta": 0.5}) == ZhangSigmoid(beta=0.5)
    f = PowerLaw(3.0, 1.5)
    assert get_transfer(f) is f
    # The params written into trajectories rebuild the same function.
    for g in FUNCTIONS.values():
        assert get_transfer(g.params) == g


@pytest.mark.parametrize("call, match", [
    (lambda: get_transfer("relu"), "transfer must be one of"),
    (lambda: get_transfer(3), "transfer must be a TransferFunction"),
    (lambda: get_transfer("tanh", slope=2.0), "unknown"),
    (lambda: get_transfer(Tanh(), gain=2.0), "already built"),
    (lambda: Tanh(gain=0.0), "gain must be"),
    (lambda: Logistic(gain=-1.0), "gain must be"),
    (lambda: PowerLaw(exponent=0.0), "exponent must be"),
    (lambda: ThresholdLinear(threshold=np.nan), "threshold must be finite"),
    (lambda: ZhangSigmoid(beta="x"), "beta must be a real number"),
    (lambda: ZhangSigmoid().inverse(np.array([0.0, 1.0])), "only rates > 0"),
    (lambda: PowerLaw().inverse(-1.0), "only rates >= 0"),
    (lambda: CustomTransfer(np.sin, derivative=3), "derivative must be callable"),
])
def test_bad_parameters_are_refused(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_custom_transfer():
    f = CustomTransfer(np.sin, derivative=np.cos, label="sine")
    assert not f.monotone
    assert f(0.5) == np.sin(0.5) and f.derivative(0.5) == np.cos(0.5)
    with pytest.raises(NotImplementedError, match="no integral"):
        f.integral(0.5)
    assert f.params == {"name": "custom", "label": "sine", "monotone": False}


def test_integrals_keep_relative_precision_near_zero():
    # Energies of networks settling at the origin are O(u^2): the integrals must
    # not lose it to cancellation.  Taylor series to sixth order (the rest is
    # below 1e-22 relative at |x| <= 1e-3):
    # ln cosh x = x^2/2 - x^4/12 + x^6/45, ln(1 + e^x) - ln 2 = x/2 + x^2/8 - x^4/192
    # + x^6/2880, (1+V)ln(1+V)/2 + (1-V)ln(1-V)/2 = V^2/2 + V^4/12 + V^6/30.
    x = np.array([1e-7, -3e-5, 1e-3])
    np.testing.assert_allclose(Tanh(1.0).integral(x), x**2 / 2 - x**4 / 12 + x**6 / 45,
                               rtol=1e-14)
    np.testing.assert_allclose(Logistic(1.0).integral(x),
                               x / 2 + x**2 / 8 - x**4 / 192 + x**6 / 2880, rtol=1e-14)
    np.testing.assert_allclose(Tanh(1.0).integral_of_inverse(x),
                               x**2 / 2 + x**4 / 12 + x**6 / 30, rtol=1e-14)


@pytest.mark.parametrize("f", FUNCTIONS.values(), ids=FUNCTIONS.keys())
def test_no_overflow_or_nan_at_extreme_inputs(f):
    extreme = np.array([-1e5, -800.0, -40.0, 40.0, 800.0, 1e5])
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        for values in (f(extreme), f.derivative(extreme), f.integral(extreme)):
            assert np.all(np.isfinite(values))
