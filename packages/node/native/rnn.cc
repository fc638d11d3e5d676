// Whole-sequence recurrent layers, forward and backward, in Keras's weight layout:
//   SimpleRNN  h = act(x W + h R + b)
//   LSTM       gates i, f, c, o = rec(.), rec(.), act(.), rec(.) of x W + h R + b;
//              c = f c + i g; h = o act(c)
//   GRU        (reset_after) z, r = rec(x W + b_in + h R + b_rec); hh = act(xW_h + b_in_h + r (h R_h + b_rec_h));
//              h = z h_prev + (1 - z) hh
// The input projection of all steps is one matrix product; each step adds one small product
// with the recurrent kernel. The backward pass collects the pre-activation gradients of all
// steps and turns them into dW, dR, db and dx with three matrix products.
// A mask (batch x steps, 0 or 1) skips steps: the state is carried through unchanged. A
// recurrent dropout mask (batch x units, fixed over time, already scaled) multiplies the state
// where it enters the recurrent product, as Keras's recurrent_dropout does.
#include <algorithm>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "kernels.h"

namespace kerno {
namespace {

inline float dact(int act, float y) { return act_grad_from_output(act, y); }

inline bool masked(const float* mask, long row) { return mask && mask[row] == 0.f; }

}  // namespace

int rnn_gates(int kind) {
  switch (kind) {
    case RNN_SIMPLE: return 1;
    case RNN_LSTM: return 4;
    case RNN_GRU: return 3;
    default: unknown_op("rnn kind", kind);
  }
}
int rnn_cache_width(int kind) { return kind == RNN_SIMPLE ? 0 : 4; }

void rnn_forward(const RnnSpec& s, const float* x, const float* W, const float* R, const float* bias, const float* h0,
                 const float* c0, const float* mask, const float* rec_mask, float* hs, float* cs, float* cache) {
  const int B = s.batch, T = s.steps, F = s.features, U = s.units, G = rnn_gates(s.kind), GU = G * U;
  const long BT = static_cast<long>(B) * T;
  std::vector<float> xw(BT * GU), hr(static_cast<std::size_t>(B) * GU);
  sgemm(BT, GU, F, row_major(x, F), row_major(W, GU), xw.data(), GU, false, true);
  std::vector<float> h(h0, h0 + static_cast<std::size_t>(B) * U), c;
  if (s.kind == RNN_LSTM) c.assign(c0, c0 + static_cast<std::size_t>(B) * U);
  const float* b_in = bias;
  const float* b_rec = bias && s.kind == RNN_GRU ? bias + GU : nullptr;
  std::vector<float> hm(rec_mask ? static_cast<std::size_t>(B) * U : 0);
  for (int t = 0; t < T; t++) {
    if (rec_mask) {
      for (std::size_t i = 0; i < hm.size(); i++) hm[i] = h[i] * rec_mask[i];
      sgemm(B, GU, U, row_major(hm.data(), U), row_major(R, GU), hr.data(), GU, false, false);
    } else {
      sgemm(B, GU, U, row_major(h.data(), U), row_major(R, GU), hr.data(), GU, false, false);
    }
    for (int b = 0; b < B; b++) {
      const long row = static_cast<long>(b) * T + t;
      float* hb = h.data() + static_cast<long>(b) * U;
      float* hout = hs + row * U;
      if (masked(mask, row)) {
        std::memcpy(hout, hb, sizeof(float) * U);
        if (s.kind == RNN_LSTM) std::memcpy(cs + row * U, c.data() + static_cast<long>(b) * U, sizeof(float) * U);
        if (cache) std::memset(cache + row * 4 * U, 0, sizeof(float) * 4 * U);
        continue;
      }
      const float* xz = xw.data() + row * GU;
      const float* hz = hr.data() + static_cast<long>(b) * GU;
      // pre-activations first, then each gate's activation over its U values at once (vmath)
      if (s.kind == RNN_SIMPLE) {
        for (int u = 0; u < U; u++) hb[u] = xz[u] + hz[u] + (b_in ? b_in[u] : 0.f);
        act_map(s.act, hb, hb, U);
      } else if (s.kind == RNN_LSTM) {
        float* cb = c.data() + static_cast<long>(b) * U;
        float* gates = cache + row * 4 * U;
        for (int j = 0; j < GU; j++) gates[j] = xz[j] + hz[j] + (b_in ? b_in[j] : 0.f);
        act_map(s.rec_act, gates, gates, 2 * U);
        act_map(s.act, gates + 2 * U, gates + 2 * U, U);
        act_map(s.rec_act, gates + 3 * U, gates + 3 * U, U);
        for (int u = 0; u < U; u++) cb[u] = gates[U + u] * cb[u] + gates[u] * gates[2 * U + u];
        act_map(s.act, cb, hb, U);
        for (int u = 0; u < U; u++) hb[u] *= gates[3 * U + u];
        std::memcpy(cs + row * U, cb, sizeof(float) * U);
      } else {
        float* saved = cache + row * 4 * U;
        for (int j = 0; j < 2 * U; j++) saved[j] = xz[j] + (b_in ? b_in[j] : 0.f) + hz[j] + (b_rec ? b_rec[j] : 0.f);
        act_map(s.rec_act, saved, saved, 2 * U);
        for (int u = 0; u < U; u++) {
          const float hzh = hz[2 * U + u] + (b_rec ? b_rec[2 * U + u] : 0.f);
          saved[3 * U + u] = hzh;
          saved[2 * U + u] = xz[2 * U + u] + (b_in ? b_in[2 * U + u] : 0.f) + saved[U + u] * hzh;
        }
        act_map(s.act, saved + 2 * U, saved + 2 * U, U);
        for (int u = 0; u < U; u++) hb[u] = saved[u] * hb[u] + (1.f - saved[u]) * saved[2 * U + u];
      }
      std::memcpy(hout, hb, sizeof(float) * U);
    }
  }
}

void rnn_backward(const RnnSpec& s, const float* dhs, const float* dcT, const float* x, const float* W, const float* R,
                  const float* h0, const float* c0, const float* mask, const float* rec_mask, const float* hs, const float* cs,
                  const float* cache, float* dx, float* dW, float* dR, float* db, float* dh0, float* dc0) {
  const int B = s.batch, T = s.steps, F = s.features, U = s.units, G = rnn_gates(s.kind), GU = G * U;
  const long BT = static_cast<long>(B) * T;
  std::vector<float> dzx(BT * GU, 0.f);
  std::vector<float> dzh_store(s.kind == RNN_GRU ? BT * GU : 0, 0.f);
  float* dzh = s.kind == RNN_GRU ? dzh_store.data() : dzx.data();
  std::vector<float> dh(static_cast<std::size_t>(B) * U, 0.f), dc(static_cast<std::size_t>(B) * U, 0.f);
  std::vector<float> direct(static_cast<std::size_t>(B) * U, 0.f);
  std::vector<float> tanh_c(s.kind == RNN_LSTM ? U : 0);  // act(c) of one row, recomputed
  if (s.kind == RNN_LSTM && dcT) std::memcpy(dc.data(), dcT, sizeof(float) * B * U);
  for (int t = T - 1; t >= 0; t--) {
    for (int b = 0; b < B; b++) {
      const long row = static_cast<long>(b) * T + t;
      float* dhb = dh.data() + static_cast<long>(b) * U;
      float* dir = direct.data() + static_cast<long>(b) * U;
      for (int u = 0; u < U; u++) dhb[u] += dhs[row * U + u];
      if (masked(mask, row)) {
        // the state passed through unchanged: its gradient flows straight to the previous step
        std::memcpy(dir, dhb, sizeof(float) * U);
        continue;
      }
      const float* hprev = t > 0 ? hs + (row - 1) * U : h0 + static_cast<long>(b) * U;
      float* dz = dzx.data() + row * GU;
      if (s.kind == RNN_SIMPLE) {
        const float* hcur = hs + row * U;
        for (int u = 0; u < U; u++) dz[u] = dhb[u] * dact(s.act, hcur[u]);
        std::fill(dir, dir + U, 0.f);
      } else if (s.kind == RNN_LSTM) {
        const float* gates = cache + row * 4 * U;
        const float* ccur = cs + row * U;
        const float* cprev = t > 0 ? cs + (row - 1) * U : c0 + static_cast<long>(b) * U;
        float* dcb = dc.data() + static_cast<long>(b) * U;
        act_map(s.act, ccur, tanh_c.data(), U);
        for (int u = 0; u < U; u++) {
          const float i = gates[u], f = gates[U + u], g = gates[2 * U + u], o = gates[3 * U + u];
          const float tc = tanh_c[u];
          const float dct = dcb[u] + dhb[u] * o * dact(s.act, tc);
          dz[u] = dct * g * dact(s.rec_act, i);
          dz[U + u] = dct * cprev[u] * dact(s.rec_act, f);
          dz[2 * U + u] = dct * i * dact(s.act, g);
          dz[3 * U + u] = dhb[u] * tc * dact(s.rec_act, o);
          dcb[u] = dct * f;
        }
        std::fill(dir, dir + U, 0.f);
      } else {
        const float* saved = cache + row * 4 * U;
        float* dzr = dzh + row * GU;
        for (int u = 0; u < U; u++) {
          const float z = saved[u], r = saved[U + u], hh = saved[2 * U + u], hzh = saved[3 * U + u];
          const float daz = dhb[u] * (hprev[u] - hh) * dact(s.rec_act, z);
          const float dah = dhb[u] * (1.f - z) * dact(s.act, hh);
          const float dar = dah * hzh * dact(s.rec_act, r);
          dz[u] = daz; dz[U + u] = dar; dz[2 * U + u] = dah;
          dzr[u] = daz; dzr[U + u] = dar; dzr[2 * U + u] = dah * r;
          dir[u] = dhb[u] * z;
        }
      }
    }
    // dh_prev = dz_h(t) R^T + direct path; the rows of step t are T*GU apart
    MatRef dzt = {dzh + static_cast<long>(t) * GU, static_cast<std::ptrdiff_t>(T) * GU, 1};
    if (rec_mask) {
      sgemm(B, U, GU, dzt, transposed(R, GU), dh.data(), U, false, false);
      for (std::size_t i = 0; i < dh.size(); i++) dh[i] = direct[i] + dh[i] * rec_mask[i];
    } else {
      std::memcpy(dh.data(), direct.data(), sizeof(float) * B * U);
      sgemm(B, U, GU, dzt, transposed(R, GU), dh.data(), U, true, false);
    }
  }
  std::memcpy(dh0, dh.data(), sizeof(float) * B * U);
  if (s.kind == RNN_LSTM && dc0) std::memcpy(dc0, dc.data(), sizeof(float) * B * U);
  // h_{t-1} for every (b, t), then the three parameter gradients and dx
  std::vector<float> hprev(BT * U);
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++) {
      const long row = static_cast<long>(b) * T + t;
      const float* src = t > 0 ? hs + (row - 1) * U : h0 + static_cast<long>(b) * U;
      float* dst = hprev.data() + row * U;
      if (rec_mask) for (int u = 0; u < U; u++) dst[u] = src[u] * rec_mask[static_cast<long>(b) * U + u];
      else std::memcpy(dst, src, sizeof(float) * U);
    }
  sgemm(F, GU, BT, transposed(x, F), row_major(dzx.data(), GU), dW, GU, false, true);
  sgemm(U, GU, BT, transposed(hprev.data(), U), row_major(dzh, GU), dR, GU, false, true);
  sgemm(BT, F, GU, row_major(dzx.data(), GU), transposed(W, GU), dx, F, false, true);
  if (db) {
    const int blocks = s.kind == RNN_GRU ? 2 : 1;
    for (int k = 0; k < blocks; k++) {
      const float* src = k == 0 ? dzx.data() : dzh;
      float* dst = db + k * GU;
      std::fill(dst, dst + GU, 0.f);
      for (long r = 0; r < BT; r++)
        for (int j = 0; j < GU; j++) dst[j] += src[r * GU + j];
    }
  }
}

}  // namespace kerno
