// `ptmo decompose`: splits a prompt into parts labelled with their own sensitivity level.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/table.h"
#include "privacy/decomposer.h"
#include "util/utf8.h"

namespace ptmo::cli {
namespace {

struct DecomposeFlags {
  InputFlags input;
  AnalyzerFlags analyzer;
  std::string strategy = "clause";
  std::string format = "table";
};

int RunDecompose(const DecomposeFlags& f) {
  auto strategy = privacy::ParseDecomposeStrategy(f.strategy);
  if (!strategy) return Fail("--strategy: unknown strategy '" + f.strategy + "'");
  auto analyzer = MakeAnalyzer(f.analyzer);
  if (!analyzer.ok()) return Fail(analyzer.status());
  auto text = ReadInput(f.input, f.analyzer.max_bytes);
  if (!text.ok()) return Fail(text.status());
  auto parts = privacy::Decompose(**analyzer, *text, *strategy);
  if (!parts.ok()) return Fail(parts.status());
  utf8::OffsetMap map(*text);
  if (f.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const privacy::Part& p : *parts) {
      nlohmann::json j = AnalysisToJson(p.text, p.analysis);
      j["start"] = map.ToCodePoint(p.begin);
      j["end"] = map.ToCodePoint(p.end);
      j["text"] = p.text;
      arr.push_back(std::move(j));
    }
    std::cout << nlohmann::json{{"strategy", f.strategy}, {"parts", arr}}.dump() << "\n";
    return 0;
  }
  Table t({"#", "LEVEL", "SCORE", "SPANS", "TEXT"});
  int i = 0;
  for (const privacy::Part& p : *parts) {
    std::string types;
    for (const auto& s : p.analysis.spans) {
      types += (types.empty() ? "" : ",") + std::string(privacy::EntityTypeName(s.type));
    }
    t.AddRow({std::to_string(++i), std::string(privacy::LevelName(p.analysis.level)),
              Fixed(p.analysis.score), types.empty() ? "-" : types, p.text});
  }
  t.Print(std::cout, 70);
  return 0;
}

}  // namespace

void RegisterDecompose(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DecomposeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "decompose", "Split a prompt into sentence/clause/entity parts, each with its own level");
  AddInputFlags(cmd, &flags->input);
  AddAnalyzerFlags(cmd, &flags->analyzer);
  cmd->add_option("--strategy,-s", flags->strategy, "sentence, clause or entity")
      ->capture_default_str();
  cmd->add_option("--format,-f", flags->format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->callback([flags, exit_code] { *exit_code = RunDecompose(*flags); });
}

}  // namespace ptmo::cli
