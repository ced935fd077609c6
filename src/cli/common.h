// Helpers shared by the CLI subcommands: input reading, analyzer flags, JSON of spans, errors.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/repacked_weights.h"
#include "privacy/analysis_json.h"
#include "privacy/analyzer.h"
#include "util/status.h"

namespace ptmo::cli {

// Prints "ptmo: <message>" on one line to stderr and returns the exit code 1.
int Fail(const Status& status);
int Fail(const std::string& message);

// Where a command's text comes from: --text T, a FILE argument, or "-" for stdin.
struct InputFlags {
  std::string text;
  bool has_text = false;
  std::string file;
};
void AddInputFlags(CLI::App* cmd, InputFlags* flags);
// Reads the chosen input, refusing more than `max_bytes`.
Expected<std::string> ReadInput(const InputFlags& flags, size_t max_bytes);

// Flags that configure the Analyzer: --no-ner, --regions, --max-bytes, --ner-model, ...
struct AnalyzerFlags {
  bool no_ner = false;
  std::string regions;  // comma separated
  size_t max_bytes = size_t(1) << 20;
  std::string ner_model;
  double semi_at = 0.3;
  double private_at = 0.7;
};
void AddAnalyzerFlags(CLI::App* cmd, AnalyzerFlags* flags);
Expected<std::unique_ptr<privacy::Analyzer>> MakeAnalyzer(const AnalyzerFlags& flags);

// Where repacked model copies are kept (engine/repack_cache.h): --repack-cache DIR (default
// DefaultRepackCacheDir()) or --no-repack-cache.
struct RepackCacheFlags {
  std::string dir;
  bool off = false;
};
void AddRepackCacheFlags(CLI::App* cmd, RepackCacheFlags* flags);
// The directory to use, "" for none.
std::string RepackCacheDir(const RepackCacheFlags& flags);
// "154 matrices repacked (545.0 MB) into cache file P" and the like, with the cache's note.
std::string RepackSummary(const engine::RepackedWeights& repacked);

// JSON views of spans and analyses (privacy/analysis_json.h).
using privacy::AnalysisToJson;
using privacy::SpansToJson;

// Splits "a,b,c" into trimmed, non-empty parts.
std::vector<std::string> SplitCsv(std::string_view s);

}  // namespace ptmo::cli
