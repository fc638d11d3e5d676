// Chooses among interchangeable implementations of one kernel call (say, a convolution by GEMM
// or by Winograd tiles) by timing each on the call's own data the first time its shape is seen;
// later calls with that shape run the winner. The best choice differs between CPUs (Zen 4 and
// Zen 5 disagree on half of VGG16's layers), so it is measured rather than modelled.
#pragma once
#include <functional>
#include <vector>

namespace kerno {

// Runs run(choice) once for a known key; for a new key runs every candidate (a few rounds when
// they are quick), remembers the fastest and ends with a run of it, so that the output is the
// winner's on the first call too. Every candidate must overwrite its whole output. A single
// candidate just runs. A candidate's run during which another kernel was tuned (it calls one) is
// timed again, since its time was mostly that tuning's.
void run_fastest(const std::vector<int>& key, const std::vector<int>& candidates, const std::function<void(int)>& run);

}  // namespace kerno
