// Sequence decoding over BIO tags: the best tag path (Viterbi) and per-token tag marginals
// (forward-backward). Both forbid an Inside tag that does not continue a same-type entity.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ptmo::privacy::ner {

// Writes to `tags[0..n)` the path maximizing sum(emissions[i][tag_i] + transitions[tag_{i-1}]
// [tag_i]) with tag_{-1} = kStartRow. `emissions` is n x kTagStride, `transitions` is
// kTagStride x kTagStride. Ties go to the lower tag, so results are deterministic.
void Viterbi(const float* emissions, size_t n, const float* transitions, uint8_t* tags);

// Writes to `marginals` (n x kTagStride) the probability of each tag at each token when a
// path's probability is proportional to exp(path score / temperature).
void Marginals(const float* emissions, size_t n, const float* transitions, float temperature,
               float* marginals);

}  // namespace ptmo::privacy::ner
