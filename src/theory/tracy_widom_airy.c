/* tracy_widom_airy.c: the Airy function Ai and its derivative in double
 * precision on the whole real line (no external dependency), and the anchor
 * table that the Fredholm-determinant loops of tracy_widom.c evaluate from.
 *
 * Method (DLMF chapter 9):
 *   |x| >= 10   asymptotic expansions (DLMF 9.7.5-9.7.6 for x > 0, the
 *               modulus-phase form 9.7.9-9.7.10 for x < 0), summed up to
 *               the smallest term: zeta = (2/3)|x|^(3/2) >= 21 makes that
 *               term below exp(-2 zeta) < 1e-18;
 *   |x| <  10   Taylor stepping of the ODE y'' = x y in steps of at most
 *               1/2, 40 terms per step (truncation < 1e-25):
 *               0 < x < 10: backwards from the expansion at x = 10, the
 *               direction in which Ai grows and the Bi-like rounding
 *               errors decay (stable);
 *               -5 <= x <= 0: from x = 0 with the exact Ai(0), Ai'(0);
 *               -10 < x < -5: from the expansion at x = -10 (oscillatory
 *               region, errors neither grow nor decay).
 * Accuracy is measured in tests/test_theory_edge_tw.c against 30-digit
 * values (relative error a few 1e-16 for x >= 0; absolute error relative to
 * the envelope |x|^(-1/4)/sqrt(pi) a few 1e-16 for x < 0, where Ai
 * oscillates and its zeros make a pointwise relative error meaningless). */
#include <math.h>

#include "rmtmc_edge_theory.h"
#include "theory/tracy_widom_internal.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define AIRY_AI0 0.355028053887817239260063186004  /* Ai(0)  = 3^(-2/3)/Gamma(2/3) */
#define AIRY_AIP0 -0.258819403792806798405183560189 /* Ai'(0) = -3^(-1/3)/Gamma(1/3) */
#define AIRY_ASYM 10.0    /* |x| from which the expansions are used */
#define AIRY_STEP 0.5     /* largest Taylor step */
#define AIRY_TERMS 40     /* Taylor terms per step */
#define AIRY_MAXK 80      /* expansion terms at most */

/* One Taylor step of y'' = x y from (x0, y, yp) to x0 + h. */
static void airy_taylor_step(double x0, double h, double *y, double *yp) {
  double am1 = 0, a0 = *y, a1 = *yp; /* a_{k-1}, a_k, a_{k+1} */
  double hk = 1, sum = a0, dsum = a1;  /* hk = h^k */
  int k;
  for (k = 0; k + 2 <= AIRY_TERMS; ++k) {
    /* a_{k+2} from a_k and a_{k-1} */
    double a2 = (x0 * a0 + am1) / ((k + 1.0) * (k + 2.0));
    hk *= h;                      /* h^{k+1} */
    sum += a1 * hk;               /* a_{k+1} h^{k+1} */
    dsum += (k + 2.0) * a2 * hk;  /* (k+2) a_{k+2} h^{k+1} */
    am1 = a0;
    a0 = a1;
    a1 = a2;
  }
  *y = sum;
  *yp = dsum;
}

/* Expansion coefficients: u_0 = 1, u_k = u_{k-1} (6k-5)(6k-3)(6k-1) /
 * (216 k (2k-1)) (DLMF 9.7.2), v_k = -(6k+1)/(6k-1) u_k. */
static double airy_u_next(double u_prev, int k) {
  return u_prev * (6.0 * k - 5) * (6.0 * k - 3) * (6.0 * k - 1) /
         (216.0 * k * (2.0 * k - 1));
}

/* x >= AIRY_ASYM. */
/* zeta = (2/3) y^(3/2) as zeta_hi + zeta_lo (y > 0): the exponential and
 * the phase of the expansions are evaluated with the rounding of zeta
 * removed, which matters because their condition number is zeta itself. */
static void airy_zeta(double y, double *hi, double *lo) {
  double r = sqrt(y), r_lo = fma(-r, r, y) / (2 * r); /* sqrt(y) = r + r_lo */
  double p = y * r, p_lo = fma(y, r, -p) + y * r_lo;  /* y^(3/2) = p + p_lo */
  double h = 2 * p / 3;
  *hi = h;
  *lo = (fma(-3.0, h, 2 * p) + 2 * p_lo) / 3;
}

static void airy_asym_pos(double x, double *ai, double *aip) {
  double r = sqrt(x), zeta, zlo, q = sqrt(r); /* q = x^(1/4) */
  double su = 1, sv = 1, u = 1, zk = 1, last = INFINITY, e;
  int k;
  airy_zeta(x, &zeta, &zlo);
  for (k = 1; k < AIRY_MAXK; ++k) {
    double tu, tv;
    u = airy_u_next(u, k);
    zk /= -zeta;
    tu = u * zk;
    tv = -(6.0 * k + 1) / (6.0 * k - 1) * u * zk;
    if (fabs(tu) >= last) break; /* smallest term passed */
    su += tu;
    sv += tv;
    last = fabs(tu);
    if (last < 1e-18 * fabs(su)) break;
  }
  e = exp(-zeta) * (1 - zlo) / (2.0 * sqrt(M_PI));
  *ai = e / q * su;
  *aip = -q * e * sv;
}

/* x <= -AIRY_ASYM (modulus-phase form). */
static void airy_asym_neg(double x, double *ai, double *aip) {
  double y = -x, r = sqrt(y), zeta, zlo, q = sqrt(r);
  double P = 1, Q = 0, Pv = 1, Qv = 0, u = 1, zk = 1, last = INFINITY;
  double c, s, cm, sm;
  int k;
  airy_zeta(y, &zeta, &zlo);
  for (k = 1; k < AIRY_MAXK; ++k) {
    double tu, tv, sgn;
    u = airy_u_next(u, k);
    zk /= zeta;
    /* term k goes to P (k even) or Q (k odd) with sign (-1)^floor(k/2) */
    sgn = ((k / 2) % 2) ? -1.0 : 1.0;
    tu = sgn * u * zk;
    tv = -sgn * (6.0 * k + 1) / (6.0 * k - 1) * u * zk;
    if (fabs(tu) >= last) break;
    if (k % 2) {
      Q += tu;
      Qv += tv;
    } else {
      P += tu;
      Pv += tv;
    }
    last = fabs(tu);
    if (last < 1e-18) break;
  }
  c = cos(zeta);
  s = sin(zeta);
  c -= s * zlo; /* cos(zeta + zlo), sin(zeta + zlo) to first order in zlo */
  s += cos(zeta) * zlo;
  cm = (c + s) / sqrt(2.0); /* cos(zeta - pi/4) */
  sm = (s - c) / sqrt(2.0); /* sin(zeta - pi/4) */
  *ai = (cm * P + sm * Q) / (q * sqrt(M_PI));
  *aip = q * (sm * Pv - cm * Qv) / sqrt(M_PI);
}

/* Step from (x0, y, yp) to x in steps of at most AIRY_STEP. */
static void airy_walk(double x0, double x, double *y, double *yp) {
  int nstep = (int)ceil(fabs(x - x0) / AIRY_STEP - 1e-12), i;
  double h;
  if (nstep < 1) nstep = 1;
  h = (x - x0) / nstep;
  for (i = 0; i < nstep; ++i) airy_taylor_step(x0 + i * h, h, y, yp);
}

void rmtmc_airy(double x, double *ai, double *aip) {
  double y, yp, a, ap;
  if (!ai) ai = &a;
  if (!aip) aip = &ap;
  if (isnan(x)) {
    *ai = *aip = NAN;
    return;
  }
  if (isinf(x)) { /* Ai and Ai' tend to 0 at both ends */
    *ai = *aip = 0;
    return;
  }
  if (x >= AIRY_ASYM) {
    airy_asym_pos(x, ai, aip);
  } else if (x <= -AIRY_ASYM) {
    airy_asym_neg(x, ai, aip);
  } else if (x > 0) {
    airy_asym_pos(AIRY_ASYM, &y, &yp);
    airy_walk(AIRY_ASYM, x, &y, &yp);
    *ai = y;
    *aip = yp;
  } else if (x >= -0.5 * AIRY_ASYM) {
    y = AIRY_AI0;
    yp = AIRY_AIP0;
    if (x < 0) airy_walk(0.0, x, &y, &yp);
    *ai = y;
    *aip = yp;
  } else {
    airy_asym_neg(-AIRY_ASYM, &y, &yp);
    airy_walk(-AIRY_ASYM, x, &y, &yp);
    *ai = y;
    *aip = yp;
  }
}

void tw_airy_table_init(tw_airy_table *t) {
  int j, k;
  for (j = 0; j < TW_AIRY_NANCHOR; ++j) {
    double x0 = TW_AIRY_LO + (double)j / TW_AIRY_PER_UNIT;
    double *c = t->coef[j];
    rmtmc_airy(x0, &c[0], &c[1]);
    for (k = 0; k + 2 <= TW_AIRY_DEG; ++k)
      c[k + 2] = (x0 * c[k] + (k ? c[k - 1] : 0.0)) / ((k + 1.0) * (k + 2.0));
  }
}

void tw_airy_fast(const tw_airy_table *t, double x, double *ai, double *aip) {
  double u = (x - TW_AIRY_LO) * TW_AIRY_PER_UNIT, tt, p, q;
  const double *c;
  int j, k;
  if (!(u >= 0 && x <= TW_AIRY_HI)) { /* outside (or NaN) */
    rmtmc_airy(x, ai, aip);
    return;
  }
  j = (int)(u + 0.5);
  tt = x - (TW_AIRY_LO + (double)j / TW_AIRY_PER_UNIT);
  c = t->coef[j];
  p = c[TW_AIRY_DEG];
  q = 0;
  for (k = TW_AIRY_DEG - 1; k >= 0; --k) {
    q = q * tt + p;
    p = p * tt + c[k];
  }
  *ai = p;
  *aip = q;
}

void tw_gauss_legendre(int n, double a, double b, double *x, double *w) {
  int i, j, it;
  double half = 0.5 * (b - a), mid = 0.5 * (a + b);
  for (i = 0; i < (n + 1) / 2; ++i) {
    double z = cos(M_PI * (i + 0.75) / (n + 0.5)), pp = 1, p1 = 1;
    for (it = 0; it < 100; ++it) {
      double p2 = 0, dz;
      p1 = 1;
      for (j = 1; j <= n; ++j) {
        double p3 = p2;
        p2 = p1;
        p1 = ((2.0 * j - 1) * z * p2 - (j - 1.0) * p3) / j;
      }
      pp = n * (z * p1 - p2) / (z * z - 1);
      dz = p1 / pp;
      z -= dz;
      if (fabs(dz) < 1e-16) break;
    }
    /* symmetric pair: node -z at index i (ascending), +z at n-1-i */
    x[i] = mid - half * z;
    x[n - 1 - i] = mid + half * z;
    w[i] = w[n - 1 - i] = 2.0 * half / ((1 - z * z) * pp * pp);
  }
}
