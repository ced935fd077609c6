// `ptmo train-ner`: generates the template corpus, trains the NER tagger, reports dev-set F1
// and writes the model file atomically.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "privacy/ner/corpus.h"
#include "privacy/ner/trainer.h"
#include "util/file.h"

namespace ptmo::cli {
namespace {

struct TrainNerFlags {
  std::string out;
  std::string data_dir;
  uint64_t seed = 1;
  size_t sentences = 100000;
  int epochs = 8;
  int bucket_bits = 18;
  double dev_fraction = 0.1;
  double gazetteer_dropout = 0.1;
  double context_dropout = 0.2;
  double synthetic_fraction = 0.3;
  bool quiet = false;
};

void PrintScores(const char* label, const privacy::ner::EvalReport& r) {
  static constexpr const char* kNames[3] = {"PERSON", "LOCATION", "ORGANIZATION"};
  std::fprintf(stderr, "train-ner: %s F1 %.4f (P %.4f R %.4f)\n", label, r.micro.f1(),
               r.micro.precision(), r.micro.recall());
  for (int c = 0; c < 3; ++c) {
    const auto& t = r.per_type[c];
    std::fprintf(stderr, "train-ner:   %-12s F1 %.4f (P %.4f R %.4f, %zu gold)\n", kNames[c],
                 t.f1(), t.precision(), t.recall(), t.true_positives + t.false_negatives);
  }
}

int RunTrainNer(const TrainNerFlags& f) {
  namespace ner = privacy::ner;
  if (f.sentences < 10) return Fail("train-ner: --sentences must be at least 10");
  if (!(f.dev_fraction >= 0.0 && f.dev_fraction < 0.9)) {
    return Fail("train-ner: --dev-fraction must be in [0, 0.9)");
  }
  const std::string data_dir = f.data_dir.empty() ? DataDir() + "/ner" : f.data_dir;
  const std::string out = f.out.empty() ? DataDir() + "/ner/ner_model.bin" : f.out;
  auto data = ner::LoadCorpusData(data_dir);
  if (!data.ok()) return Fail(data.status());

  ner::CorpusOptions copts;
  copts.seed = f.seed;
  copts.synthetic_fraction = f.synthetic_fraction;
  std::vector<ner::LabeledSentence> corpus = ner::GenerateCorpus(*data, copts, f.sentences);
  // The dev slice is the tail of the generated stream, never seen in training.
  const size_t dev_n = static_cast<size_t>(static_cast<double>(corpus.size()) * f.dev_fraction);
  std::vector<ner::LabeledSentence> dev(corpus.end() - static_cast<long>(dev_n), corpus.end());
  corpus.resize(corpus.size() - dev_n);
  ner::Gazetteer gazetteer = ner::BuildGazetteer(*data);
  if (!f.quiet) {
    std::fprintf(stderr,
                 "train-ner: %zu sentences from %s (seed %llu): %zu train, %zu dev; gazetteer "
                 "%zu entries\n",
                 f.sentences, data_dir.c_str(), static_cast<unsigned long long>(f.seed),
                 corpus.size(), dev.size(), gazetteer.size());
  }

  ner::TrainOptions topts;
  topts.epochs = f.epochs;
  topts.seed = f.seed;
  topts.bucket_bits = f.bucket_bits;
  topts.gazetteer_dropout = f.gazetteer_dropout;
  topts.context_dropout = f.context_dropout;
  if (!f.quiet) {
    topts.on_epoch = [](const ner::EpochReport& r) {
      std::fprintf(stderr, "train-ner: epoch %d/%d: %zu tokens, training accuracy %.4f (%.1f s)\n",
                   r.epoch, r.epochs, r.tokens, r.token_accuracy, r.seconds);
    };
  }
  auto model = ner::TrainNer(corpus, dev, std::move(gazetteer), topts);
  if (!model.ok()) return Fail(model.status());

  std::string bytes = model->Serialize();
  if (!dev.empty() && !f.quiet) {
    ner::NerTagger tagger(*model);
    PrintScores("dev", ner::EvaluateNer(tagger, dev));
  }
  Status st = WriteFileAtomic(out, bytes, 0644);
  if (!st.ok()) return Fail(st);
  if (!f.quiet) {
    std::fprintf(stderr, "train-ner: wrote %s (%.2f MB, temperature %.3f)\n", out.c_str(),
                 static_cast<double>(bytes.size()) / (1024.0 * 1024.0), model->temperature);
  }
  return 0;
}

}  // namespace

void RegisterTrainNer(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<TrainNerFlags>();
  CLI::App* cmd = app.add_subcommand(
      "train-ner",
      "Train the NER model (PERSON/LOCATION/ORGANIZATION) on a corpus generated from the "
      "templates and gazetteers in the data directory, print dev-set F1 and save the model");
  cmd->add_option("--out", flags->out,
                  "Model file to write (default: $PTMO_DATA_DIR/ner/ner_model.bin)");
  cmd->add_option("--data", flags->data_dir,
                  "Directory with gazetteers/, templates_*.txt and address_formats.txt "
                  "(default: $PTMO_DATA_DIR/ner)");
  cmd->add_option("--seed", flags->seed, "Random seed; the same seed gives the same model file")
      ->capture_default_str();
  cmd->add_option("--sentences", flags->sentences, "Sentences to generate (train + dev)")
      ->capture_default_str();
  cmd->add_option("--epochs", flags->epochs, "Training passes over the corpus")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--bucket-bits", flags->bucket_bits, "log2 of the weight table's buckets")
      ->capture_default_str()
      ->check(CLI::Range(privacy::ner::kMinBucketBits, privacy::ner::kMaxBucketBits));
  cmd->add_option("--dev-fraction", flags->dev_fraction,
                  "Share of the generated sentences held out for the dev F1")
      ->capture_default_str();
  cmd->add_option("--gazetteer-dropout", flags->gazetteer_dropout,
                  "Probability of hiding a token's gazetteer flags in a training step")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--context-dropout", flags->context_dropout,
                  "Probability of hiding a token's neighbouring-word features in a training step")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--synthetic-fraction", flags->synthetic_fraction,
                  "Share of generated names and places invented by splicing list entries")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--quiet", flags->quiet, "Print errors only");
  cmd->callback([flags, exit_code] { *exit_code = RunTrainNer(*flags); });
}

}  // namespace ptmo::cli
