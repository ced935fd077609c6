#include "privacy/ner/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "privacy/ner/decoder.h"
#include "privacy/ner/features.h"
#include "privacy/ner/labels.h"

namespace ptmo::privacy::ner {
namespace {

struct Prepared {
  std::vector<Token> tokens;
  std::vector<uint8_t> gold;
};

// Weights while training: current values and the running sums needed for averaging.
struct Perceptron {
  std::vector<int32_t> w;  // buckets * kTagStride
  std::vector<int64_t> u;  // sum of step * delta
  int32_t t[kTagStride * kTagStride] = {};
  int64_t tu[kTagStride * kTagStride] = {};
  int64_t step = 1;

  void Update(uint32_t bucket, int tag, int32_t delta) {
    size_t j = size_t{bucket} * kTagStride + tag;
    w[j] += delta;
    u[j] += step * delta;
  }
  void UpdateTransition(int prev, int tag, int32_t delta) {
    t[prev * kTagStride + tag] += delta;
    tu[prev * kTagStride + tag] += step * delta;
  }
};

// Features of every token of a sentence, flattened, with offsets.
struct SentenceFeatures {
  std::vector<uint32_t> feats;
  std::vector<uint32_t> offsets;  // tokens + 1
};

void Featurize(const std::vector<TokenInfo>& infos, int bucket_bits, double context_dropout,
               Rng& rng, SentenceFeatures& out) {
  out.feats.clear();
  out.offsets.assign(1, 0);
  uint32_t buf[kMaxFeatures];
  for (size_t i = 0; i < infos.size(); ++i) {
    bool no_context = context_dropout > 0 && rng.Chance(context_dropout);
    size_t k = ExtractFeatures(infos.data(), infos.size(), i, bucket_bits, buf, no_context);
    out.feats.insert(out.feats.end(), buf, buf + k);
    out.offsets.push_back(static_cast<uint32_t>(out.feats.size()));
  }
}

void HideGazetteer(TokenInfo& info) {
  info.gaz &= kGazMultiStart;
  info.gaz_begin = 0;
  info.gaz_inside = 0;
  info.bits &= ~(kBitKoSurnameStart | kBitKoGivenRest);
}

// Emission and transition scores as floats: integers during training, so exact.
void Emissions(const Perceptron& p, const SentenceFeatures& sf, size_t n, std::vector<float>& e) {
  e.assign(n * kTagStride, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    int64_t acc[kTagStride] = {};
    for (uint32_t k = sf.offsets[i]; k < sf.offsets[i + 1]; ++k) {
      const int32_t* row = &p.w[size_t{sf.feats[k]} * kTagStride];
      for (int t = 0; t < kTagStride; ++t) acc[t] += row[t];
    }
    for (int t = 0; t < kTagStride; ++t) e[i * kTagStride + t] = static_cast<float>(acc[t]);
  }
}

double ScoreRatio(size_t a, size_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / b;
}

}  // namespace

std::vector<uint8_t> GoldTags(const std::vector<Token>& tokens,
                              const std::vector<LabeledSpan>& spans) {
  std::vector<uint8_t> tags(tokens.size(), kTagO);
  for (const LabeledSpan& s : spans) {
    int cls = TypeClass(s.type);
    if (cls < 0) continue;
    bool first = true;
    for (size_t i = 0; i < tokens.size(); ++i) {
      // A token belongs to the span when most of its bytes do: a vocative glued to a name
      // ("민수야") makes one token that the span covers only in part.
      size_t lo = std::max(tokens[i].begin, s.begin), hi = std::min(tokens[i].end, s.end);
      if (hi > lo && 2 * (hi - lo) > tokens[i].end - tokens[i].begin) {
        // A span never starts with a line break; one inside it is just part of it.
        if (first && tokens[i].kind == TokenKind::kNewline) continue;
        tags[i] = static_cast<uint8_t>(first ? BeginTag(cls) : InsideTag(cls));
        first = false;
      }
    }
  }
  return tags;
}

Expected<NerModel> TrainNer(const std::vector<LabeledSentence>& train,
                            const std::vector<LabeledSentence>& calibration, Gazetteer gazetteer,
                            const TrainOptions& options) {
  if (train.empty()) return InvalidArgument("NER training: the training corpus is empty");
  if (options.epochs < 1) {
    return InvalidArgument("NER training: epochs must be >= 1, got " +
                           std::to_string(options.epochs));
  }
  if (options.bucket_bits < kMinBucketBits || options.bucket_bits > kMaxBucketBits) {
    return InvalidArgument("NER training: bucket_bits must be in [" +
                           std::to_string(kMinBucketBits) + ", " + std::to_string(kMaxBucketBits) +
                           "], got " + std::to_string(options.bucket_bits));
  }
  const size_t buckets = size_t{1} << options.bucket_bits;
  std::vector<Prepared> data(train.size());
  for (size_t s = 0; s < train.size(); ++s) {
    Tokenize(train[s].text, data[s].tokens);
    data[s].gold = GoldTags(data[s].tokens, train[s].spans);
  }

  Perceptron p;
  p.w.assign(buckets * kTagStride, 0);
  p.u.assign(buckets * kTagStride, 0);
  std::vector<size_t> order(train.size());
  for (size_t s = 0; s < order.size(); ++s) order[s] = s;
  std::vector<TokenInfo> infos;
  SentenceFeatures sf;
  std::vector<float> emissions;
  std::vector<uint8_t> pred;
  float trans[kTagStride * kTagStride];

  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    auto start = std::chrono::steady_clock::now();
    Rng shuffle(options.seed ^ (0x5851f42d4c957f2dull * static_cast<uint64_t>(epoch)));
    for (size_t s = order.size(); s > 1; --s) std::swap(order[s - 1], order[shuffle.Below(s)]);
    size_t tokens = 0, correct = 0;
    for (size_t idx : order) {
      const Prepared& ex = data[idx];
      const size_t n = ex.tokens.size();
      if (n == 0) continue;
      ComputeTokenInfo(train[idx].text, ex.tokens, gazetteer, infos);
      Rng drop(options.seed + 0x9e3779b97f4a7c15ull * (idx + 1) + static_cast<uint64_t>(epoch));
      // Every token, entity or not, loses its gazetteer flags with the same probability, so
      // the flags keep their meaning while the model also learns to do without them.
      for (size_t i = 0; i < n; ++i) {
        if (drop.Chance(options.gazetteer_dropout)) HideGazetteer(infos[i]);
      }
      Featurize(infos, options.bucket_bits, options.context_dropout, drop, sf);
      Emissions(p, sf, n, emissions);
      for (int k = 0; k < kTagStride * kTagStride; ++k) trans[k] = static_cast<float>(p.t[k]);
      pred.assign(n, kTagO);
      Viterbi(emissions.data(), n, trans, pred.data());
      tokens += n;
      for (size_t i = 0; i < n; ++i) {
        if (pred[i] == ex.gold[i]) {
          ++correct;
          continue;
        }
        for (uint32_t k = sf.offsets[i]; k < sf.offsets[i + 1]; ++k) {
          p.Update(sf.feats[k], ex.gold[i], +1);
          p.Update(sf.feats[k], pred[i], -1);
        }
      }
      for (size_t i = 0; i < n; ++i) {
        int gp = i == 0 ? kStartRow : ex.gold[i - 1];
        int pp = i == 0 ? kStartRow : pred[i - 1];
        if (gp == pp && ex.gold[i] == pred[i]) continue;
        p.UpdateTransition(gp, ex.gold[i], +1);
        p.UpdateTransition(pp, pred[i], -1);
      }
      ++p.step;
    }
    if (options.on_epoch) {
      EpochReport r;
      r.epoch = epoch;
      r.epochs = options.epochs;
      r.sentences = order.size();
      r.tokens = tokens;
      r.token_accuracy = ScoreRatio(correct, tokens);
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      options.on_epoch(r);
    }
  }

  // Averaged weights, quantized to int16 with one scale.
  NerModel m;
  m.bucket_bits = options.bucket_bits;
  const double steps = static_cast<double>(p.step);
  std::vector<float> avg(p.w.size());
  float max_abs = 0.0f;
  for (size_t j = 0; j < p.w.size(); ++j) {
    avg[j] = static_cast<float>(static_cast<double>(p.w[j]) - static_cast<double>(p.u[j]) / steps);
    max_abs = std::max(max_abs, std::fabs(avg[j]));
  }
  m.weight_scale = max_abs > 0 ? max_abs / 32767.0f : 1.0f;
  m.weights.resize(p.w.size());
  for (size_t j = 0; j < p.w.size(); ++j) {
    m.weights[j] = static_cast<int16_t>(std::lround(avg[j] / m.weight_scale));
  }
  for (int k = 0; k < kTagStride * kTagStride; ++k) {
    m.transitions[k] =
        static_cast<float>(static_cast<double>(p.t[k]) - static_cast<double>(p.tu[k]) / steps);
  }
  m.gazetteer = std::move(gazetteer);

  // Temperature: the one that maximizes the likelihood of the gold tags of the calibration
  // sentences under the forward-backward marginals.
  const std::vector<LabeledSentence>& cal = calibration.empty() ? train : calibration;
  const size_t cal_n = std::min<size_t>(cal.size(), 2000);
  std::vector<std::vector<float>> cal_emissions;
  std::vector<std::vector<uint8_t>> cal_gold;
  std::vector<Token> toks;
  for (size_t s = 0; s < cal_n; ++s) {
    Tokenize(cal[s].text, toks);
    if (toks.empty()) continue;
    ComputeTokenInfo(cal[s].text, toks, m.gazetteer, infos);
    std::vector<float> e(toks.size() * kTagStride, 0.0f);
    uint32_t buf[kMaxFeatures];
    for (size_t i = 0; i < toks.size(); ++i) {
      size_t k = ExtractFeatures(infos.data(), toks.size(), i, m.bucket_bits, buf);
      int32_t acc[kTagStride] = {};
      for (size_t f = 0; f < k; ++f) {
        for (int t = 0; t < kTagStride; ++t) acc[t] += m.weights[size_t{buf[f]} * kTagStride + t];
      }
      for (int t = 0; t < kTagStride; ++t) e[i * kTagStride + t] = acc[t] * m.weight_scale;
    }
    cal_emissions.push_back(std::move(e));
    cal_gold.push_back(GoldTags(toks, cal[s].spans));
  }
  double best_ll = -1e300;
  float best_t = 1.0f;
  std::vector<float> marg;
  for (int step = -16; step <= 24; ++step) {
    float temp = static_cast<float>(std::pow(2.0, step / 4.0));
    double ll = 0;
    for (size_t s = 0; s < cal_emissions.size(); ++s) {
      size_t n = cal_gold[s].size();
      marg.assign(n * kTagStride, 0.0f);
      Marginals(cal_emissions[s].data(), n, m.transitions.data(), temp, marg.data());
      for (size_t i = 0; i < n; ++i) {
        ll += std::log(std::max(1e-6f, marg[i * kTagStride + cal_gold[s][i]]));
      }
    }
    if (ll > best_ll) {
      best_ll = ll;
      best_t = temp;
    }
  }
  m.temperature = best_t;
  return m;
}

double TypeScore::precision() const {
  return ScoreRatio(true_positives, true_positives + false_positives);
}
double TypeScore::recall() const {
  return ScoreRatio(true_positives, true_positives + false_negatives);
}
double TypeScore::f1() const {
  double p = precision(), r = recall();
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}

EvalReport EvaluateNer(const NerTagger& tagger, const std::vector<LabeledSentence>& data,
                       double min_score) {
  EvalReport r;
  std::vector<Span> found;
  for (const LabeledSentence& s : data) {
    found.clear();
    tagger.Find(s.text, found);
    std::vector<bool> matched(s.spans.size(), false);
    for (const Span& f : found) {
      if (f.score < min_score) continue;
      int cls = TypeClass(f.type);
      if (cls < 0) continue;
      bool hit = false;
      for (size_t g = 0; g < s.spans.size(); ++g) {
        if (!matched[g] && s.spans[g].type == f.type && s.spans[g].begin == f.begin &&
            s.spans[g].end == f.end) {
          matched[g] = true;
          hit = true;
          break;
        }
      }
      ++(hit ? r.per_type[cls].true_positives : r.per_type[cls].false_positives);
    }
    for (size_t g = 0; g < s.spans.size(); ++g) {
      int cls = TypeClass(s.spans[g].type);
      if (cls >= 0 && !matched[g]) ++r.per_type[cls].false_negatives;
    }
  }
  for (const TypeScore& t : r.per_type) {
    r.micro.true_positives += t.true_positives;
    r.micro.false_positives += t.false_positives;
    r.micro.false_negatives += t.false_negatives;
  }
  return r;
}

}  // namespace ptmo::privacy::ner
