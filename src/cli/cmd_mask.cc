// `ptmo mask` and `ptmo unmask`: reversible pseudonymization from the command line.
//
//   ptmo mask --vault chat.vault --key chat.key notes.txt > masked.txt
//   ptmo unmask --vault chat.vault --key chat.key masked.txt
#include <sys/stat.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "privacy/vault/vault.h"
#include "privacy/vault/vault_key.h"
#include "util/utf8.h"

namespace ptmo::cli {
namespace {

using privacy::MaskMode;
using privacy::Vault;
using privacy::VaultKey;

struct MaskFlags {
  InputFlags input;
  AnalyzerFlags analyzer;
  std::string mode = "placeholder";
  std::string vault_path;
  std::string key_path;
  bool batch = false;
  std::string format = "text";
};

struct UnmaskFlags {
  InputFlags input;
  std::string vault_path;
  std::string key_path;
  bool json = false;
  size_t max_bytes = size_t(64) << 20;
};

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// A vault and, when it lives in a file, the key that seals it.
struct OpenVault {
  Vault vault;
  std::optional<VaultKey> key;
};

// For `mask`: the vault in --vault when that file exists, else a new one (creating the key
// file when needed). Without --vault, an in-memory vault that is thrown away.
Expected<OpenVault> OpenForMask(const MaskFlags& f) {
  if (f.vault_path.empty() != f.key_path.empty()) {
    return InvalidArgument("--vault and --key go together: give both or neither");
  }
  if (f.vault_path.empty()) {
    OpenVault in_memory;
    return in_memory;
  }
  if (FileExists(f.vault_path)) {
    auto key = privacy::LoadKeyFile(f.key_path);
    if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
      return NotFound("key file '" + f.key_path + "' does not exist, but vault file '" +
                      f.vault_path + "' does; it cannot be opened without its key");
    }
    if (!key.ok()) return key.status();
    PTMO_ASSIGN_OR_RETURN(Vault vault, Vault::Load(f.vault_path, *key));
    return OpenVault{std::move(vault), *key};
  }
  PTMO_ASSIGN_OR_RETURN(VaultKey key, privacy::LoadOrCreateKeyFile(f.key_path));
  return OpenVault{Vault(), key};
}

Status SaveIfPersistent(const OpenVault& v, const MaskFlags& f) {
  if (!v.key.has_value()) return Status::Ok();
  return v.vault.Save(f.vault_path, *v.key);
}

// Prints `text`, ending it with a newline when it has none.
void PrintText(const std::string& text) {
  std::cout << text;
  if (text.empty() || text.back() != '\n') std::cout << '\n';
  std::cout.flush();
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json ReplacementsToJson(const privacy::MaskResult& m) {
  utf8::OffsetMap map(m.text);
  nlohmann::json arr = nlohmann::json::array();
  for (const privacy::Replacement& r : m.replacements) {
    arr.push_back({{"type", privacy::EntityTypeName(r.original.type)},
                   {"pseudonym", r.pseudonym},
                   {"start", map.ToCodePoint(r.masked_begin)},
                   {"end", map.ToCodePoint(r.masked_end)}});
  }
  return arr;
}

int RunMaskOne(const MaskFlags& f, const privacy::Analyzer& analyzer, MaskMode mode, OpenVault& v) {
  auto text = ReadInput(f.input, f.analyzer.max_bytes);
  if (!text.ok()) return Fail(text.status());
  auto spans = analyzer.FindSpans(*text);
  if (!spans.ok()) return Fail(spans.status());
  auto masked = v.vault.Mask(*text, *spans, mode);
  if (!masked.ok()) return Fail(masked.status());
  // Save before printing: masked text whose table was lost could never be restored.
  if (Status st = SaveIfPersistent(v, f); !st.ok()) return Fail(st);
  if (f.format == "json") {
    std::cout << Dump({{"masked", masked->text},
                       {"mode", privacy::MaskModeName(mode)},
                       {"spans", SpansToJson(*text, *spans)},
                       {"replacements", ReplacementsToJson(*masked)}})
              << "\n";
  } else {
    PrintText(masked->text);
  }
  return 0;
}

// One JSON line in, one JSON line out: {"text": ...} -> {"masked": ..., "spans": [...]}.
// Returns the output line, or an error message for a {"error": ...} line.
Expected<std::string> MaskLine(const std::string& line, const privacy::Analyzer& analyzer,
                               MaskMode mode, Vault& vault) {
  nlohmann::json in;
  try {
    in = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    return InvalidArgument("invalid JSON at byte " + std::to_string(e.byte));
  }
  if (!in.is_object() || !in.contains("text") || !in["text"].is_string()) {
    return InvalidArgument("expected an object with a string field \"text\"");
  }
  const std::string& text = in["text"].get_ref<const std::string&>();
  PTMO_ASSIGN_OR_RETURN(auto spans, analyzer.FindSpans(text));
  PTMO_ASSIGN_OR_RETURN(auto masked, vault.Mask(text, spans, mode));
  return Dump({{"masked", masked.text}, {"spans", SpansToJson(text, spans)}});
}

int RunMaskBatch(const MaskFlags& f, const privacy::Analyzer& analyzer, MaskMode mode,
                 OpenVault& v) {
  if (f.input.has_text || !f.input.file.empty()) {
    return Fail("--batch reads JSON lines from standard input; do not give --text or FILE");
  }
  size_t line_no = 0, failed = 0, done = 0;
  std::string line;
  while (std::getline(std::cin, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
    auto out = MaskLine(line, analyzer, mode, v.vault);
    if (out.ok()) {
      std::cout << *out << "\n";
      ++done;
    } else {
      std::cout << Dump({{"error",
                          "line " + std::to_string(line_no) + ": " + out.status().message()}})
                << "\n";
      ++failed;
    }
    std::cout.flush();
  }
  if (Status st = SaveIfPersistent(v, f); !st.ok()) return Fail(st);
  if (failed > 0) {
    return Fail(std::to_string(failed) + " of " + std::to_string(failed + done) +
                " input lines failed (see the \"error\" lines)");
  }
  return 0;
}

int RunMask(const MaskFlags& f) {
  std::optional<MaskMode> mode = privacy::ParseMaskMode(f.mode);
  if (!mode) return Fail("--mode: unknown mode '" + f.mode + "'");
  auto analyzer = MakeAnalyzer(f.analyzer);
  if (!analyzer.ok()) return Fail(analyzer.status());
  auto v = OpenForMask(f);  // after the analyzer: a failed command creates no key file
  if (!v.ok()) return Fail(v.status());
  if (f.batch) return RunMaskBatch(f, **analyzer, *mode, *v);
  return RunMaskOne(f, **analyzer, *mode, *v);
}

int RunUnmask(const UnmaskFlags& f) {
  auto key = privacy::LoadKeyFile(f.key_path);
  if (!key.ok()) return Fail(key.status());
  auto vault = Vault::Load(f.vault_path, *key);
  if (!vault.ok()) return Fail(vault.status());
  auto text = ReadInput(f.input, f.max_bytes);
  if (!text.ok()) return Fail(text.status());
  PrintText(f.json ? vault->UnmaskJson(*text) : vault->Unmask(*text));
  return 0;
}

}  // namespace

void RegisterMask(CLI::App& app, int* exit_code) {
  auto mf = std::make_shared<MaskFlags>();
  CLI::App* mask = app.add_subcommand(
      "mask",
      "Replace sensitive spans with pseudonyms; with --vault, remember them so that "
      "`ptmo unmask` can restore the originals");
  AddInputFlags(mask, &mf->input);
  AddAnalyzerFlags(mask, &mf->analyzer);
  mask->add_option("--mode,-m", mf->mode,
                   "placeholder (<PERSON_1>), surrogate (realistic fake values), hash "
                   "(<EMAIL:3fa2c1d9>) or redact ([REDACTED_EMAIL], not restorable)")
      ->check(CLI::IsMember({"placeholder", "surrogate", "hash", "redact"}))
      ->capture_default_str();
  mask->add_option("--vault", mf->vault_path,
                   "Encrypted vault file to load (if present) and save; needs --key");
  mask->add_option("--key", mf->key_path,
                   "Key file for --vault (64 hex digits, mode 0600); created if missing");
  mask->add_flag("--batch", mf->batch,
                 "Read JSON lines {\"text\": ...} from stdin, write one "
                 "{\"masked\": ..., \"spans\": [...]} line per input line");
  mask->add_option("--format,-f", mf->format, "Output format (ignored with --batch)")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  mask->callback([mf, exit_code] { *exit_code = RunMask(*mf); });

  auto uf = std::make_shared<UnmaskFlags>();
  CLI::App* unmask = app.add_subcommand(
      "unmask", "Restore the original values behind pseudonyms made by `ptmo mask --vault`");
  AddInputFlags(unmask, &uf->input);
  unmask->add_option("--vault", uf->vault_path, "Vault file written by `ptmo mask`")->required();
  unmask->add_option("--key", uf->key_path, "Key file of the vault")->required();
  unmask->add_flag("--json", uf->json,
                   "Input is JSON: restore inside string values, JSON-escaping the originals");
  unmask->add_option("--max-bytes", uf->max_bytes, "Refuse inputs larger than this (bytes)")
      ->capture_default_str();
  unmask->callback([uf, exit_code] { *exit_code = RunUnmask(*uf); });
}

}  // namespace ptmo::cli
