// NerTagger: the statistical named-entity recognizer (PERSON, LOCATION, ORGANIZATION) for
// English and Korean text.
//
// An averaged structured perceptron over BIO tags: each token gets hashed features (its
// word, shape, affixes, gazetteer categories, neighbouring words; see features.h), the
// weights of those features give per-tag scores, and Viterbi picks the best tag sequence
// under first-order tag transitions. A span's score is the smallest forward-backward
// marginal probability of its tags (scores divided by a temperature fitted at training), so
// a confident entity scores near 1 and a doubtful one below 0.4. docs/ner.md has the details.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/core/recognizer.h"
#include "privacy/ner/model.h"
#include "privacy/ner/tokenizer.h"
#include "util/status.h"

namespace ptmo::privacy::ner {

class NerTagger : public Recognizer {
 public:
  // Loads the model file at `path` (one read, then the arrays are copied into place).
  // Errors name the path: kNotFound for a missing file, kDataLoss for a truncated, damaged or
  // foreign file, kFailedPrecondition for a model of another format or feature version.
  static Expected<std::unique_ptr<NerTagger>> Load(const std::string& path);

  // Wraps an in-memory model (used by the trainer to evaluate what it is about to save). The
  // model's weight table must have buckets() * kTagStride entries (asserted).
  explicit NerTagger(NerModel model);

  std::string_view name() const override { return "ner"; }

  // Appends PERSON/LOCATION/ORGANIZATION spans with byte offsets, a score in [0,1] and a
  // reason ("NER PERSON (gazetteer first name, title 'Mr')"). Linear in text.size().
  // Thread-safe: the model is read-only and all scratch space is local to the call.
  void Find(std::string_view text, std::vector<Span>& out) const override;

  // The tokens of `text` and the Viterbi tag of each (tags[i] is a Tag). Thread-safe.
  void Tag(std::string_view text, std::vector<Token>* tokens, std::vector<uint8_t>* tags) const;

  const NerModel& model() const { return model_; }

 private:
  NerModel model_;
};

}  // namespace ptmo::privacy::ner
