#include "cli/common.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "engine/repack_cache.h"
#include "util/file.h"
#include "util/utf8.h"

namespace ptmo::cli {

int Fail(const Status& status) {
  return Fail(status.message());
}

int Fail(const std::string& message) {
  std::cerr << "ptmo: " << message << "\n";
  return 1;
}

void AddInputFlags(CLI::App* cmd, InputFlags* flags) {
  cmd->add_option("--text,-t", flags->text, "Text to process (instead of FILE or stdin)")
      ->each([flags](const std::string&) { flags->has_text = true; });
  cmd->add_option("file", flags->file, "File to read, or - for standard input");
}

Expected<std::string> ReadInput(const InputFlags& flags, size_t max_bytes) {
  if (flags.has_text && !flags.file.empty()) {
    return InvalidArgument("give either --text or a FILE, not both");
  }
  if (flags.has_text) {
    if (flags.text.size() > max_bytes) {
      return ResourceExhausted("--text is " + std::to_string(flags.text.size()) +
                               " bytes, above the limit of " + std::to_string(max_bytes) +
                               " bytes (raise it with --max-bytes)");
    }
    return flags.text;
  }
  if (flags.file.empty() || flags.file == "-") {
    if (flags.file.empty() && isatty(0)) {
      return InvalidArgument("no input: give --text T, a FILE, or - to read standard input");
    }
    return ReadStdin(max_bytes);
  }
  return ReadFile(flags.file, max_bytes);
}

void AddAnalyzerFlags(CLI::App* cmd, AnalyzerFlags* flags) {
  cmd->add_flag("--no-ner", flags->no_ner, "Rules only: skip the statistical NER tagger");
  cmd->add_option("--regions", flags->regions,
                  "Phone regions to recognize, comma separated ISO codes "
                  "(default US,KR,GB,DE,FR,JP,CN,IN)");
  cmd->add_option("--max-bytes", flags->max_bytes, "Refuse inputs larger than this (bytes)")
      ->capture_default_str();
  cmd->add_option("--ner-model", flags->ner_model,
                  "NER model file (default: data/ner/ner_model.bin)");
  cmd->add_option("--semi-at", flags->semi_at, "Score at which a text is SEMI_SENSITIVE")
      ->capture_default_str();
  cmd->add_option("--private-at", flags->private_at, "Score at which a text is PRIVATE")
      ->capture_default_str();
}

Expected<std::unique_ptr<privacy::Analyzer>> MakeAnalyzer(const AnalyzerFlags& flags) {
  privacy::AnalyzerOptions o;
  o.enable_ner = !flags.no_ner;
  o.ner_model_path = flags.ner_model;
  o.max_input_bytes = flags.max_bytes;
  o.classifier.semi_sensitive_at = flags.semi_at;
  o.classifier.private_at = flags.private_at;
  if (!flags.regions.empty()) {
    o.rules.phone_regions.clear();
    for (std::string r : SplitCsv(flags.regions)) {
      if (r.size() != 2 || !std::isalpha(static_cast<unsigned char>(r[0])) ||
          !std::isalpha(static_cast<unsigned char>(r[1]))) {
        return InvalidArgument("--regions: '" + r + "' is not a two-letter region code");
      }
      for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      o.rules.phone_regions.push_back(r);
    }
  }
  return privacy::Analyzer::Create(o);
}

std::vector<std::string> SplitCsv(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string_view::npos) j = s.size();
    std::string_view part = s.substr(i, j - i);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
      part.remove_prefix(1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())))
      part.remove_suffix(1);
    if (!part.empty()) out.emplace_back(part);
    i = j + 1;
  }
  return out;
}

void AddRepackCacheFlags(CLI::App* cmd, RepackCacheFlags* flags) {
  flags->dir = engine::DefaultRepackCacheDir();
  cmd->add_option(
         "--repack-cache", flags->dir,
         "Directory keeping repacked Q4_0/Q4_K copies of large models, so later loads skip "
         "repacking")
      ->capture_default_str();
  cmd->add_flag("--no-repack-cache", flags->off,
                "Repack in memory at every load (write no copy to disk)");
}

std::string RepackCacheDir(const RepackCacheFlags& flags) {
  return flags.off ? std::string() : flags.dir;
}

std::string RepackSummary(const engine::RepackedWeights& repacked) {
  char size[32];
  std::snprintf(size, sizeof(size), "%.1f MB", static_cast<double>(repacked.bytes()) / 1e6);
  const std::string what = std::to_string(repacked.matrices()) + " matrices (" + size + ")";
  std::string s;
  switch (repacked.source()) {
    case engine::RepackSource::kNone: s = "nothing repacked"; break;
    case engine::RepackSource::kMemory: s = what + " repacked in memory"; break;
    case engine::RepackSource::kCacheWrite:
      s = what + " repacked into cache file " + repacked.cache_path();
      break;
    case engine::RepackSource::kCacheHit:
      s = what + " mapped from cache file " + repacked.cache_path() + " (no repacking)";
      break;
  }
  if (!repacked.cache_note().empty()) s += " [" + repacked.cache_note() + "]";
  return s;
}

}  // namespace ptmo::cli
