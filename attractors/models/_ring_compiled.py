r"""Compiled kernels of the ring attractor: Zhang's activation, the fused field, the decoder.

numba is imported at the top of this module (it is a required dependency, so
there is no numpy fallback) and every kernel is a module-level
``@numba.njit(cache=True)`` function.  No model module imports this one at its
top: :func:`attractors.models._ring_kernels.numba_kernels` imports it on the
first call, so ``import attractors`` never loads numba.  Compiled on first use
(``cache=True``: compiled once per machine, then loaded from disk).

Zhang's transfer function :math:`f(u) = a\,[\ln(1 + e^{b(u + c)})]^\beta`
needs four transcendental functions per unit.  Scalar libm calls cost ~25 ns
a unit (6 us a step of the 256-unit ring, as much as numpy's ten ufunc
passes), so ``exp`` and ``log`` are written out here as branch-free
polynomials that LLVM vectorises: fdlibm's algorithms (Sun Microsystems,
``e_exp.c`` and ``e_log.c``: argument reduction by :math:`\ln 2`, a
minimax polynomial, error < 1 ulp), with the power of two built from the
bits of the reduced argument.  The activation then agrees with
:class:`~attractors.transfer.ZhangSigmoid` to a few ulp (tested to 1e-14
relative over the whole range of floats, infinities and NaN included).
"""

import numba
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

# fdlibm e_exp.c / e_log.c constants.
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e+00
_P1 = 1.66666666666666019037e-01
_P2 = -2.77777777770155933842e-03
_P3 = 6.61375632143793436117e-05
_P4 = -1.65339022054652515390e-06
_P5 = 4.13813679705723846039e-08
_LG1 = 6.666666666666735130e-01
_LG2 = 3.999999999940941908e-01
_LG3 = 2.857142874366239149e-01
_LG4 = 2.222219843214978396e-01
_LG5 = 1.818357216161805012e-01
_LG6 = 1.531383769920937332e-01
_LG7 = 1.479819860511658591e-01
_SHIFTER = 6755399441055744.0  # 1.5 * 2^52: adding it rounds to an integer, kept in the low bits
_SHIFTER_BITS = 0x4338000000000000
_SQRT2_MANTISSA = 0x6A09E667F3BCD
_TINY = 2.2250738585072014e-308  # smallest normal double
_TWO54 = 18014398509481984.0


# The kernels are module-level functions, not closures: numba's disk cache keys a
# closure by its pickled cell contents, which differ in every process (dispatchers
# pickle with a fresh id), so a closure would be compiled again on every import.


@intrinsic
def as_bits(typingctx, x):
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


@intrinsic
def from_bits(typingctx, i):
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


# No "nnan"/"ninf"/"reassoc": the compensated sums below need the order as
# written, and a blow-up must still give inf and NaN.
jit = numba.njit(cache=True, nogil=True, fastmath={"contract"}, error_model="numpy",
                 inline="always")


@jit
def exp(x):
    # fdlibm e_exp: x = k ln2 + r, |r| <= ln2/2; exp(r) = 1 + 2r/(2 - R(r)).
    xc = x if x > -1100.0 else -1100.0
    xc = xc if xc < 1100.0 else 1100.0
    t = xc * _INV_LN2 + _SHIFTER
    kf = t - _SHIFTER
    hi = xc - kf * _LN2_HI
    lo = kf * _LN2_LO
    r = hi - lo
    rr = r * r
    c = r - rr * (_P1 + rr * (_P2 + rr * (_P3 + rr * (_P4 + rr * _P5))))
    y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
    k = as_bits(t) - _SHIFTER_BITS
    k1 = k >> 1  # 2^k as 2^k1 2^(k - k1): both normal for |k| <= 1587
    s1 = from_bits((k1 + 1023) << 52)
    s2 = from_bits((k - k1 + 1023) << 52)
    y = y * s1 * s2
    return y if x == x else x


@jit
def log(x):
    # fdlibm e_log: x = 2^k (1 + f), sqrt(2)/2 <= 1 + f < sqrt(2);
    # log(1 + f) = f - hfsq + s (hfsq + R(s^2)), s = f / (2 + f).
    small = x < _TINY
    xs = x * _TWO54 if small else x
    bits = as_bits(xs)
    mantissa = bits & 0x000FFFFFFFFFFFFF
    upper = mantissa > _SQRT2_MANTISSA
    k = (bits >> 52) - (1022 if upper else 1023) - (54 if small else 0)
    f = from_bits(mantissa | (0x3FE0000000000000 if upper else 0x3FF0000000000000)) - 1.0
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    hfsq = 0.5 * f * f
    dk = float(k)
    y = dk * _LN2_HI - ((hfsq - (s * (hfsq + t1 + t2) + dk * _LN2_LO)) - f)
    y = -np.inf if x == 0.0 else y
    y = np.nan if x < 0.0 else y
    y = np.inf if x == np.inf else y
    return y if x == x else x


@numba.njit(cache=True, nogil=True, fastmath={"contract"}, error_model="numpy")
def activation_into(u, params, out, scratch):
    # a sp(y)^beta, sp(y) = max(y, 0) + log1p(e^-|y|), as ZhangSigmoid.__call__;
    # log1p(z) = log(1 + z) + (z - ((1 + z) - 1)) / (1 + z), exact to an ulp.
    # Flat arrays; a few short vectorised passes (faster than one long loop body).
    a, b, c, beta = params[0], params[1], params[2], params[3]
    n = u.shape[0]
    for i in range(n):
        y = b * (u[i] + c)
        out[i] = y
        scratch[i] = exp(-abs(y))
    for i in range(n):
        z = scratch[i]
        w = 1.0 + z
        y = out[i]
        out[i] = (y if y > 0.0 else 0.0) + (log(w) + (z - (w - 1.0)) / w)
    for i in range(n):
        scratch[i] = beta * log(out[i])
    for i in range(n):
        out[i] = a * exp(scratch[i])
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy")
def activation(u, params):
    flat = np.ascontiguousarray(u).reshape(-1)  # also for non-contiguous (layout "A") input
    out = np.empty(flat.shape[0])
    scratch = np.empty(min(flat.shape[0], 4096))
    for start in range(0, flat.shape[0], 4096):  # blocks that stay in cache
        stop = min(start + 4096, flat.shape[0])
        activation_into(flat[start:stop], params, out[start:stop], scratch[:stop - start])
    return out.reshape(u.shape)


@numba.njit(cache=True, nogil=True, fastmath={"contract", "reassoc"}, error_model="numpy")
def one_row(u, drive, gamma, pack, out, work):
    # out = (drive - u + (W + gamma W') f(u)) / tau for one trial; pack: pack_field();
    # work: scratch of at least 4 N + 2 M + 8.
    n = u.shape[0]
    h = n // 2
    m_count = int(pack[5])
    coefficients = pack[6:6 + 4 * m_count].reshape(4, m_count)
    modes = pack[6 + 4 * m_count:6 + 5 * m_count]
    tables = pack[6 + 5 * m_count:].reshape(2 * m_count, h + 1)
    rates = work[:n]
    activation_into(u, pack, rates, work[n:2 * n])
    even = work[n:n + h + 1]  # the activation's scratch is free again
    odd = work[2 * n:2 * n + h + 1]
    proj = work[3 * n + 2:3 * n + 2 + 2 * m_count]
    # Fold: even[i] = r_i + r_{n-i}, odd[i] = r_i - r_{n-i}, i = 0..n/2.
    even[0] = rates[0]
    odd[0] = 0.0
    for i in range(1, h + 1):
        if n - i == i:
            even[i] = rates[i]
            odd[i] = 0.0
        else:
            even[i] = rates[i] + rates[n - i]
            odd[i] = rates[i] - rates[n - i]
    if n % 4 == 0:
        # Fold again about theta = pi/2: i and h - i, i = 0..q (q once).
        q = n // 4
        ep = work[3 * n + 2 + 2 * m_count:]
        em = ep[q + 1:]
        op = em[q + 1:]
        om = op[q + 1:]
        for i in range(q):
            ep[i] = even[i] + even[h - i]
            em[i] = even[i] - even[h - i]
            op[i] = odd[i] + odd[h - i]
            om[i] = odd[i] - odd[h - i]
        ep[q] = em[q] = even[q]
        op[q] = om[q] = odd[q]
        for m in range(m_count):
            cos = tables[m]
            sin = tables[m_count + m]
            parity = int(modes[m]) % 2
            ce = em if parity else ep  # cos(m(pi - t)) = (-1)^m cos(mt)
            so = op if parity else om  # sin(m(pi - t)) = (-1)^(m+1) sin(mt)
            cm = 0.0
            sm = 0.0
            for i in range(q + 1):
                cm += ce[i] * cos[i]
                sm += so[i] * sin[i]
            am = coefficients[0, m] + gamma * coefficients[2, m]
            bm = coefficients[1, m] + gamma * coefficients[3, m]
            proj[m] = am * cm + bm * sm
            proj[m_count + m] = am * sm - bm * cm
        for i in range(q + 1):
            ep[i] = 0.0
            em[i] = 0.0
            op[i] = 0.0
            om[i] = 0.0
        for m in range(m_count):
            cos = tables[m]
            sin = tables[m_count + m]
            parity = int(modes[m]) % 2
            ce = em if parity else ep
            so = op if parity else om
            pc = proj[m]
            ps = proj[m_count + m]
            for i in range(q + 1):
                ce[i] += pc * cos[i]
                so[i] += ps * sin[i]
        # sym_i = ep + em, sym_{h-i} = ep - em; anti_i = om + op, anti_{h-i} = op - om.
        for i in range(q + 1):
            even[i] = ep[i] + em[i]
            odd[i] = om[i] + op[i]
            even[h - i] = ep[i] - em[i]
            odd[h - i] = op[i] - om[i]
    else:
        for m in range(m_count):
            cos = tables[m]
            sin = tables[m_count + m]
            cm = 0.0
            sm = 0.0
            for i in range(h + 1):
                cm += even[i] * cos[i]
                sm += odd[i] * sin[i]
            am = coefficients[0, m] + gamma * coefficients[2, m]
            bm = coefficients[1, m] + gamma * coefficients[3, m]
            proj[m] = am * cm + bm * sm
            proj[m_count + m] = am * sm - bm * cm
        for i in range(h + 1):
            even[i] = 0.0
            odd[i] = 0.0
        for m in range(m_count):
            cos = tables[m]
            sin = tables[m_count + m]
            pc = proj[m]
            ps = proj[m_count + m]
            for i in range(h + 1):
                even[i] += pc * cos[i]
                odd[i] += ps * sin[i]
    inv_tau = pack[4]
    for i in range(h + 1):
        out[i] = (drive[i] - u[i] + (even[i] + odd[i])) * inv_tau
    for i in range(1, h + 1):
        j = n - i
        if j != i:
            out[j] = (drive[j] - u[j] + (even[i] - odd[i])) * inv_tau


@numba.njit(cache=True, nogil=True, error_model="numpy")
def work_size(n, pack):
    return 4 * n + 2 * int(pack[5]) + 8


@numba.njit(cache=True, nogil=True, error_model="numpy")
def field_rows(u, drive, gamma, pack):
    # u (B, N); drive (1 or B, N); gamma (1 or B,).  The same code for every
    # trial: a batch gives the numbers of its trials run alone.
    rows, n = u.shape
    out = np.empty((rows, n))
    work = np.empty(work_size(n, pack))
    for r in range(rows):
        one_row(u[r], drive[0 if drive.shape[0] == 1 else r],
                gamma[0 if gamma.shape[0] == 1 else r], pack, out[r], work)
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy")
def field_one(u, drive, gamma, pack):
    n = u.shape[0]
    out = np.empty(n)
    one_row(u, drive, gamma, pack, out, np.empty(work_size(n, pack)))
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy")
def field_free(u, pack):
    # One trial, no input: the simulate() hot path, with the fewest arguments to check.
    n = u.shape[0]
    out = np.empty(n)
    work = np.empty(work_size(n, pack) + n)
    drive = work[-n:]
    drive[:] = 0.0
    one_row(u, drive, 0.0, pack, out, work)
    return out


@numba.njit(cache=True, nogil=True, fastmath={"contract", "reassoc"}, error_model="numpy")
def decode(u, params, cos, sin):
    # For each state (row): rates, then as analysis._bump does on them:
    # population-vector position (NaN when flat), amplitude max - min, and
    # the circular std of the rates above their minimum (NaN when flat).
    n_states, n = u.shape
    position = np.empty(n_states)
    amplitude = np.empty(n_states)
    width = np.empty(n_states)
    # Rates for blocks of states at a time (longer vector loops), then per state.
    block = max(1, 4096 // n)
    flat = u.reshape(-1)
    buffer = np.empty(block * n)
    scratch = np.empty(block * n)
    for t in range(n_states):
        k = t % block
        if k == 0:
            stop = min(n_states, t + block) * n
            activation_into(flat[t * n:stop], params, buffer[:stop - t * n],
                            scratch[:stop - t * n])
        rates = buffer[k * n:(k + 1) * n]
        c = 0.0
        s = 0.0
        size = 0.0
        # Rates are >= 0 (or NaN, caught by size != size below), and non-negative
        # doubles order as their bit patterns: integer min/max vectorise, float
        # ones do not without "nnan".
        low_bits = as_bits(rates[0])
        high_bits = low_bits
        for i in range(n):
            r = rates[i]
            c += r * cos[i]
            s += r * sin[i]
            size += abs(r)
            bits = as_bits(r)
            low_bits = bits if bits < low_bits else low_bits
            high_bits = bits if bits > high_bits else high_bits
        low = from_bits(low_bits)
        high = from_bits(high_bits)
        if np.hypot(c, s) <= 1e-12 * max(size, 1e-300):
            position[t] = np.nan
        else:
            position[t] = np.arctan2(s, c)
        height = high - low
        amplitude[t] = height if size == size else np.nan  # NaN rates: NaN, as max - min
        if not height > 0.0 or size != size:
            width[t] = np.nan
            continue
        c = 0.0
        s = 0.0
        total = 0.0
        for i in range(n):
            e = rates[i] - low
            c += e * cos[i]
            s += e * sin[i]
            total += e
        resultant = np.hypot(c, s) / total
        width[t] = np.sqrt(max(-2.0 * np.log(resultant), 0.0)) if resultant > 0.0 else np.inf
    return position, amplitude, width


@numba.njit(cache=True, nogil=True, error_model="numpy")
def hermite(u, lo, step, coefficients):
    # The cubic of the cell holding u, as _TabulatedIntegral evaluates it with
    # numpy (same operations, same order, no contraction: the same bits).
    out = np.empty(u.shape[0])
    last = coefficients.shape[0] - 1
    for i in range(u.shape[0]):
        s = (u[i] - lo) / step
        if s >= last:
            k = last
        elif s >= 0.0:
            k = int(s)
        else:  # below the table, or NaN
            k = 0
        t = s - k
        out[i] = ((coefficients[k, 3] * t + coefficients[k, 2]) * t
                  + coefficients[k, 1]) * t + coefficients[k, 0]
    return out


KERNELS = {"activation": activation, "activation_into": activation_into,
           "field_free": field_free, "field_one": field_one, "field_rows": field_rows,
           "decode": decode, "hermite": hermite}
