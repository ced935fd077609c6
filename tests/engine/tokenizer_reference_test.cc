// Cross-check against llama.cpp's own tokenizer test data, when it is available.
//
// llama.cpp keeps, for each vocabulary family, a vocabulary-only GGUF file
// (models/ggml-vocab-<name>.gguf) with test strings (<file>.inp, separated by
// "\n__ggml_vocab_test__\n") and the token ids its reference tokenizer produces for them
// (<file>.out, one line of ids per string, encoded without BOS/EOS). These files are not part
// of this repository; point PTMO_TOKENIZER_REFERENCE_DIR at a folder holding some of them to
// run this test. Without it the test is skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "engine/gguf_reader.h"
#include "engine/tokenizer.h"

namespace ptmo::engine {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> SplitCases(const std::string& raw) {
  static const std::string kSeparator = "\n__ggml_vocab_test__\n";
  std::vector<std::string> cases;
  size_t pos = 0;
  while (pos < raw.size()) {
    const size_t next = raw.find(kSeparator, pos);
    if (next == std::string::npos) {
      cases.push_back(raw.substr(pos));
      break;
    }
    cases.push_back(raw.substr(pos, next - pos));
    pos = next + kSeparator.size();
  }
  return cases;
}

TEST(TokenizerReference, MatchesLlamaCppReferenceIds) {
  const char* dir = std::getenv("PTMO_TOKENIZER_REFERENCE_DIR");
  if (dir == nullptr || *dir == '\0') {
    GTEST_SKIP() << "set PTMO_TOKENIZER_REFERENCE_DIR to a folder of llama.cpp ggml-vocab-*.gguf "
                    "files with their .inp/.out test data";
  }
  int vocabularies = 0;
  for (const char* name : {"llama-spm", "llama-bpe", "qwen2", "gpt-2", "phi-3"}) {
    const std::filesystem::path base =
        std::filesystem::path(dir) / ("ggml-vocab-" + std::string(name) + ".gguf");
    std::filesystem::path inp = base, out = base;
    inp += ".inp";
    out += ".out";
    if (!std::filesystem::exists(base) || !std::filesystem::exists(inp) ||
        !std::filesystem::exists(out)) {
      continue;
    }
    ++vocabularies;
    Expected<GgufFile> gguf = GgufFile::Open(base.string());
    ASSERT_TRUE(gguf.ok()) << gguf.status().ToString();
    Expected<std::unique_ptr<Tokenizer>> tok = Tokenizer::FromGguf(*gguf);
    ASSERT_TRUE(tok.ok()) << tok.status().ToString();

    const std::vector<std::string> inputs = SplitCases(ReadAll(inp));
    std::vector<std::vector<TokenId>> expected;
    std::istringstream lines(ReadAll(out));
    for (std::string line; std::getline(lines, line);) {
      std::istringstream ids(line);
      std::vector<TokenId>& e = expected.emplace_back();
      for (TokenId id; ids >> id;) e.push_back(id);
    }
    ASSERT_EQ(inputs.size(), expected.size()) << name;
    for (size_t i = 0; i < inputs.size(); ++i) {
      EXPECT_EQ((*tok)->Encode(inputs[i], {.add_special = false, .parse_special = false}),
                expected[i])
          << name << " case " << i << ": '" << inputs[i] << "'";
    }
  }
  if (vocabularies == 0) GTEST_SKIP() << "no ggml-vocab-*.gguf with .inp/.out in " << dir;
}

}  // namespace
}  // namespace ptmo::engine
