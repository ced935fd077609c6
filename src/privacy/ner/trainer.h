// Training and evaluation of the NER tagger (averaged structured perceptron).
//
// Training (Collins 2002): for each sentence, in an order shuffled per epoch from the seed,
// decode with the current weights; where the best path differs from the gold tags, add 1 to
// the weights of the gold tags' features and transitions and subtract 1 from the predicted
// ones. The saved weights are the average over all steps, which generalizes much better
// than the final ones. All arithmetic during training is integer, so the same corpus, seed
// and options give a byte-identical model file.
//
// Gazetteer dropout: with probability `gazetteer_dropout` the gazetteer flags of a token are
// hidden for that step, so the model also learns to find names that no list holds. Context
// dropout does the same for the neighbouring-word features, so that names are also known by
// their own look and not only by the template words around them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "privacy/ner/corpus.h"
#include "privacy/ner/model.h"
#include "privacy/ner/ner_tagger.h"
#include "privacy/ner/tokenizer.h"
#include "util/status.h"

namespace ptmo::privacy::ner {

struct EpochReport {
  int epoch = 0;  // 1-based
  int epochs = 0;
  size_t sentences = 0;
  size_t tokens = 0;
  double token_accuracy = 0.0;  // of the tags decoded before each update
  double seconds = 0.0;
};

struct TrainOptions {
  int epochs = 8;
  int bucket_bits = 18;
  uint64_t seed = 1;
  double gazetteer_dropout = 0.1;
  // Probability that a token is seen without its neighbouring-word features in a step.
  double context_dropout = 0.2;
  // Called after every epoch (progress output); may be empty.
  std::function<void(const EpochReport&)> on_epoch;
};

// Trains a model on `train`; `calibration` (normally the dev slice) fits the temperature of
// the span confidence. Fails with kInvalidArgument when `train` is empty or an option is out
// of range (epochs < 1, bucket_bits outside [kMinBucketBits, kMaxBucketBits]).
Expected<NerModel> TrainNer(const std::vector<LabeledSentence>& train,
                            const std::vector<LabeledSentence>& calibration, Gazetteer gazetteer,
                            const TrainOptions& options);

struct TypeScore {
  size_t true_positives = 0;
  size_t false_positives = 0;
  size_t false_negatives = 0;
  double precision() const;
  double recall() const;
  double f1() const;
};

struct EvalReport {
  TypeScore per_type[3];  // PERSON, LOCATION, ORGANIZATION
  TypeScore micro;
};

// Exact-match span evaluation of `tagger` on `data`: a predicted span counts when its type
// and byte offsets equal a gold span's. Spans scoring below `min_score` are ignored.
EvalReport EvaluateNer(const NerTagger& tagger, const std::vector<LabeledSentence>& data,
                       double min_score = 0.0);

// The BIO tag of each token: a token most of whose bytes lie inside a gold span gets B
// (first) or I (rest) of its type; line breaks inside a multi-line span are I.
std::vector<uint8_t> GoldTags(const std::vector<Token>& tokens,
                              const std::vector<LabeledSpan>& spans);

}  // namespace ptmo::privacy::ner
