// `ptmo scan`: prints every sensitive span, the text's level, score and reasons.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/table.h"
#include "util/utf8.h"

namespace ptmo::cli {
namespace {

struct ScanFlags {
  InputFlags input;
  AnalyzerFlags analyzer;
  std::string format = "table";
};

int RunScan(const ScanFlags& f) {
  auto analyzer = MakeAnalyzer(f.analyzer);
  if (!analyzer.ok()) return Fail(analyzer.status());
  auto text = ReadInput(f.input, f.analyzer.max_bytes);
  if (!text.ok()) return Fail(text.status());
  auto analysis = (*analyzer)->Analyze(*text);
  if (!analysis.ok()) return Fail(analysis.status());
  if (f.format == "json") {
    std::cout << AnalysisToJson(*text, *analysis).dump() << "\n";
    return 0;
  }
  utf8::OffsetMap map(*text);
  Table t({"TYPE", "START", "END", "SCORE", "RECOGNIZER", "TEXT", "REASONS"});
  for (const privacy::Span& s : analysis->spans) {
    std::string reasons;
    for (const auto& r : s.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
    t.AddRow({std::string(privacy::EntityTypeName(s.type)),
              std::to_string(map.ToCodePoint(s.begin)), std::to_string(map.ToCodePoint(s.end)),
              Fixed(s.score), s.recognizer, text->substr(s.begin, s.end - s.begin), reasons});
  }
  if (analysis->spans.empty()) {
    std::cout << "no sensitive spans found\n";
  } else {
    t.Print(std::cout, 60);
  }
  for (const privacy::TopicHit& h : analysis->topics) {
    std::string ev;
    for (const auto& e : h.evidence) ev += (ev.empty() ? "" : ", ") + e;
    std::cout << "topic " << h.topic << " " << Fixed(h.score) << " (" << ev << ")\n";
  }
  std::cout << "level " << privacy::LevelName(analysis->level) << "  score "
            << Fixed(analysis->score) << "\n";
  for (const auto& r : analysis->reasons) std::cout << "  reason: " << r << "\n";
  return 0;
}

}  // namespace

void RegisterScan(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ScanFlags>();
  CLI::App* cmd = app.add_subcommand(
      "scan", "Detect PII, secrets and sensitive topics; print spans, level, score and reasons");
  AddInputFlags(cmd, &flags->input);
  AddAnalyzerFlags(cmd, &flags->analyzer);
  cmd->add_option("--format,-f", flags->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->callback([flags, exit_code] { *exit_code = RunScan(*flags); });
}

}  // namespace ptmo::cli
