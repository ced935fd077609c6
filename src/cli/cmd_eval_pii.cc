// `ptmo eval-pii`: scores the Analyzer against a labelled JSON-lines file (docs/evaluation.md).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "eval/pii_dataset.h"
#include "eval/pii_eval.h"
#include "eval/pii_eval_run.h"
#include "util/file.h"

namespace ptmo::cli {
namespace {

struct EvalPiiFlags {
  std::string data;
  std::string format = "table";
  std::string types;
  std::string errors;
  double min_iou = 0.5;
  AnalyzerFlags analyzer;
};

// Progress on stderr: a redrawn bar on a terminal, otherwise a line every kLineEvery texts
// (only for files big enough to make the wait noticeable), so logs stay short.
class Progress {
 public:
  explicit Progress(size_t total) : total_(total), tty_(isatty(2) != 0) {}

  void Update(size_t done) {
    if (tty_ && total_ >= kBarFrom) {
      size_t permille = done * 1000 / total_;
      if (permille == last_permille_ && done != total_) return;
      last_permille_ = permille;
      size_t filled = done * kBarWidth / total_;
      std::fprintf(stderr, "\r[%s%s] %zu/%zu texts", std::string(filled, '#').c_str(),
                   std::string(kBarWidth - filled, '.').c_str(), done, total_);
      if (done == total_) std::fputc('\n', stderr);
    } else if (!tty_ && total_ >= kLineEvery && (done % kLineEvery == 0 || done == total_)) {
      std::fprintf(stderr, "eval-pii: %zu/%zu texts scored\n", done, total_);
    }
  }

 private:
  static constexpr size_t kBarFrom = 500;
  static constexpr size_t kBarWidth = 40;
  static constexpr size_t kLineEvery = 5000;
  size_t total_;
  bool tty_;
  size_t last_permille_ = size_t(-1);
};

Expected<std::vector<privacy::EntityType>> ParseTypes(const std::string& csv) {
  std::vector<privacy::EntityType> types;
  for (const std::string& name : SplitCsv(csv)) {
    auto t = privacy::ParseEntityType(name);
    if (!t) {
      std::string known;
      for (privacy::EntityType k : privacy::AllEntityTypes()) {
        known += (known.empty() ? "" : ",") + std::string(privacy::EntityTypeName(k));
      }
      return InvalidArgument("--types: unknown entity type '" + name + "' (known: " + known + ")");
    }
    types.push_back(*t);
  }
  if (types.empty() && !csv.empty()) return InvalidArgument("--types: no type given");
  return types;
}

int RunEvalPii(const EvalPiiFlags& f) {
  if (!(f.min_iou > 0.0 && f.min_iou <= 1.0)) {
    return Fail("--min-iou: " + std::to_string(f.min_iou) + " is not in (0, 1]");
  }
  eval::ScorerOptions options;
  options.min_iou = f.min_iou;
  auto types = ParseTypes(f.types);
  if (!types.ok()) return Fail(types.status());
  options.types = *types;

  auto examples = eval::ReadEvalFile(f.data);
  if (!examples.ok()) return Fail(examples.status());
  auto analyzer = MakeAnalyzer(f.analyzer);
  if (!analyzer.ok()) return Fail(analyzer.status());

  Progress progress(examples->size());
  std::string errors;
  eval::PiiEvalHooks hooks;
  hooks.progress = [&progress](size_t done, size_t) { progress.Update(done); };
  if (!f.errors.empty()) {
    hooks.on_error = [&errors](const nlohmann::json& e) { errors += e.dump() + "\n"; };
  }

  auto start = std::chrono::steady_clock::now();
  auto report = eval::RunPiiEval(**analyzer, *examples, options, hooks);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!report.ok()) {
    return Fail("data file '" + f.data + "' " + report.status().message());
  }
  if (!f.errors.empty()) {
    Status st = WriteFileAtomic(f.errors, errors, 0600);  // the errors quote the texts
    if (!st.ok()) return Fail(st);
  }

  if (f.format == "json") {
    std::cout << eval::ReportToJson(*report).dump() << "\n";
  } else {
    std::cout << eval::ReportToTable(*report);
    char line[128];
    std::snprintf(line, sizeof line, "\nanalyzed %zu texts in %.2f s (%.0f texts/s)\n",
                  examples->size(), seconds, seconds > 0 ? examples->size() / seconds : 0.0);
    std::cout << line;
  }
  return 0;
}

}  // namespace

void RegisterEvalPii(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<EvalPiiFlags>();
  CLI::App* cmd = app.add_subcommand(
      "eval-pii",
      "Score PII detection on a labelled JSON-lines file: per-type and micro precision, recall, "
      "F1, F2, and level accuracy");
  cmd->add_option("--data,-d", flags->data,
                  "JSON lines: {\"text\", \"spans\": [{\"start\", \"end\", \"type\"}], "
                  "\"level\"?}, offsets in code points")
      ->required();
  cmd->add_option("--format,-f", flags->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->add_option("--types", flags->types,
                  "Score only these entity types, comma separated (others are ignored on both "
                  "sides)");
  cmd->add_option("--errors", flags->errors,
                  "Write false positives and negatives to this file as JSON lines");
  cmd->add_option("--min-iou", flags->min_iou,
                  "Character IoU at which a prediction of the right type matches a gold span")
      ->capture_default_str();
  AddAnalyzerFlags(cmd, &flags->analyzer);
  cmd->callback([flags, exit_code] { *exit_code = RunEvalPii(*flags); });
}

}  // namespace ptmo::cli
