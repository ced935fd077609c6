// libFuzzer target: the Analyzer (rules, plus NER when the model in $PTMO_DATA_DIR or the
// compiled-in data dir loads) and the Vault's
// mask/unmask round trip on arbitrary bytes.
//
// Checked on every input, besides "no crash, no sanitizer report":
//  - invalid UTF-8 is refused with kInvalidArgument, never analyzed;
//  - valid input within the size limit is analyzed, and its spans are non-empty, inside the
//    text, on code point boundaries, sorted and non-overlapping (the Analyzer's contract);
//  - masking those spans and unmasking the result gives the input back, byte for byte, in
//    placeholder and surrogate modes (the Vault's contract).
//
// Build (clang only; see docs/evaluation.md):
//   CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DPTMO_FUZZ=ON \
//     -DPTMO_BUILD_TESTS=OFF -DPTMO_BUILD_BENCH=OFF -DPTMO_SANITIZE=ON \
//     -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link
//   ninja -C build/fuzz scan_fuzzer
//   build/fuzz/scan_fuzzer -max_total_time=30 fuzz/corpus/scan
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "privacy/analyzer.h"
#include "privacy/vault/vault.h"
#include "util/utf8.h"

namespace {

using ptmo::privacy::Analyzer;
using ptmo::privacy::AnalyzerOptions;

// Aborts with a message when an invariant fails; libFuzzer saves the input as a crash.
#define FUZZ_CHECK(cond, what)                                       \
  do {                                                               \
    if (!(cond)) {                                                   \
      std::fprintf(stderr, "scan_fuzzer: check failed: %s\n", what); \
      std::abort();                                                  \
    }                                                                \
  } while (0)

// Small enough that libFuzzer's longer inputs also exercise the size-limit error path.
constexpr size_t kMaxInputBytes = 4096;

const Analyzer& GetAnalyzer() {
  static const std::unique_ptr<Analyzer> analyzer = [] {
    AnalyzerOptions options;
    options.max_input_bytes = kMaxInputBytes;
    auto made = Analyzer::Create(options);
    if (!made.ok()) {
      std::fprintf(stderr, "scan_fuzzer: NER model not loaded (%s); fuzzing rules only\n",
                   made.status().ToString().c_str());
      options.enable_ner = false;
      made = Analyzer::Create(options);
    }
    if (!made.ok()) {
      std::fprintf(stderr, "scan_fuzzer: cannot build the analyzer: %s\n",
                   made.status().ToString().c_str());
      std::abort();
    }
    return std::move(made).value();
  }();
  return *analyzer;
}

bool OnCodePointBoundary(std::string_view text, size_t offset) {
  return offset == text.size() || (static_cast<unsigned char>(text[offset]) & 0xC0) != 0x80;
}

// `s` with control bytes as \xNN, for readable crash reports.
std::string Escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

void CheckRoundTrip(std::string_view text, const std::vector<ptmo::privacy::Span>& spans,
                    ptmo::privacy::MaskMode mode) {
  ptmo::privacy::VaultOptions options;
  options.deterministic_seed = 42;  // reproducible crashes
  ptmo::privacy::Vault vault(options);
  auto masked = vault.Mask(text, spans, mode);
  FUZZ_CHECK(masked.ok(), "Vault::Mask refused the Analyzer's spans");
  std::string restored = vault.Unmask(masked->text);
  if (restored != text) {
    // Fuzz inputs are synthetic, so printing them is fine; it makes the crash readable.
    std::fprintf(stderr, "mode %s\ninput:    %s\nmasked:   %s\nrestored: %s\n",
                 std::string(ptmo::privacy::MaskModeName(mode)).c_str(), Escaped(text).c_str(),
                 Escaped(masked->text).c_str(), Escaped(restored).c_str());
  }
  FUZZ_CHECK(restored == text, "Unmask(Mask(text)) != text");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const Analyzer& analyzer = GetAnalyzer();
  auto analysis = analyzer.Analyze(text);

  if (!ptmo::utf8::IsValid(text)) {
    FUZZ_CHECK(!analysis.ok(), "invalid UTF-8 was analyzed");
    FUZZ_CHECK(analysis.status().code() == ptmo::StatusCode::kInvalidArgument ||
                   analysis.status().code() == ptmo::StatusCode::kResourceExhausted,
               "invalid UTF-8 gave an unexpected error code");
    return 0;
  }
  if (size > kMaxInputBytes) {
    FUZZ_CHECK(!analysis.ok() && analysis.status().code() == ptmo::StatusCode::kResourceExhausted,
               "input above max_input_bytes was not refused with kResourceExhausted");
    return 0;
  }
  FUZZ_CHECK(analysis.ok(), "valid UTF-8 within the size limit was refused");

  size_t previous_end = 0;
  for (const auto& span : analysis->spans) {
    FUZZ_CHECK(span.begin < span.end, "empty or reversed span");
    FUZZ_CHECK(span.end <= text.size(), "span beyond the text");
    FUZZ_CHECK(span.begin >= previous_end, "spans overlap or are not sorted");
    FUZZ_CHECK(OnCodePointBoundary(text, span.begin) && OnCodePointBoundary(text, span.end),
               "span splits a UTF-8 sequence");
    FUZZ_CHECK(span.score >= 0.0 && span.score <= 1.0, "span score outside [0,1]");
    previous_end = span.end;
  }
  FUZZ_CHECK(analysis->score >= 0.0 && analysis->score <= 1.0, "text score outside [0,1]");

  CheckRoundTrip(text, analysis->spans, ptmo::privacy::MaskMode::kPlaceholder);
  CheckRoundTrip(text, analysis->spans, ptmo::privacy::MaskMode::kSurrogate);
  return 0;
}
