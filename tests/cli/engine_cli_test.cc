// Runs the built `ptmo` binary's engine commands (make-model, generate, bench-engine) as a user
// would: files written, text generated, exit codes, one-line errors.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "cli/cli_runner.h"

namespace {

using EngineCliResult = ptmo::testing::CliResult;
using ptmo::testing::ShellQuote;

using ptmo::testing::ReadWholeFile;

int CountLines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

// A temporary folder for the models of this test program, removed at the end.
class EngineCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/ptmo_engine_cli_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }

  static std::string File(const std::string& name) { return *dir_ + "/" + name; }

  // Runs `ptmo <args>` with `stdin_text` on standard input.
  static EngineCliResult RunPtmo(const std::string& args, const std::string& stdin_text = "") {
    return ptmo::testing::RunPtmo(args, stdin_text);
  }

  // Writes a model (once per path) and returns its path.
  static std::string MakeModel(const std::string& name, const std::string& flags) {
    const std::string path = File(name);
    if (!std::filesystem::exists(path)) {
      EngineCliResult r = RunPtmo("make-model " + flags + " --out " + ShellQuote(path));
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    return path;
  }

  static std::string* dir_;
};

std::string* EngineCliTest::dir_ = nullptr;

void ExpectOneLineError(const EngineCliResult& r) {
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.err.rfind("ptmo: ", 0), 0u) << r.err;
  EXPECT_EQ(CountLines(r.err), 1) << r.err;
}

TEST_F(EngineCliTest, EachWeightTypeGivesAModelThatGeneratesTheSameTextTwiceGreedily) {
  for (const std::string type : {"f32", "f16", "q8_0", "q4_0", "q4_k"}) {
    SCOPED_TRACE(type);
    EngineCliResult made = RunPtmo("make-model --shape tiny --type " + type + " --out " +
                                   File("tiny-" + type + ".gguf"));
    ASSERT_EQ(made.exit_code, 0) << made.err;
    EXPECT_NE(made.out.find("wrote "), std::string::npos);
    EXPECT_NE(made.out.find(type), std::string::npos);
    const std::string gen = "generate --model " + File("tiny-" + type + ".gguf") +
                            " --prompt 'The quick brown fox' -n 8 --temp 0 --threads 1";
    EngineCliResult a = RunPtmo(gen);
    EngineCliResult b = RunPtmo(gen);
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(a.out, b.out);
    EXPECT_GT(a.out.size(), 1u);  // some text, then the final newline
    EXPECT_EQ(a.out.back(), '\n');
    // The summary: prompt tokens (BOS + the words) and both speeds, on one line of stderr.
    EXPECT_EQ(CountLines(a.err), 1) << a.err;
    EXPECT_NE(a.err.find("prompt tokens"), std::string::npos) << a.err;
    EXPECT_NE(a.err.find("tok/s"), std::string::npos) << a.err;
  }
}

TEST_F(EngineCliTest, MakeModelIsByteIdenticalForTheSameSeedAndDiffersForAnother) {
  ASSERT_EQ(
      RunPtmo("make-model --shape tiny --type q4_0 --seed 7 --out " + File("s7a.gguf")).exit_code,
      0);
  ASSERT_EQ(
      RunPtmo("make-model --shape tiny --type q4_0 --seed 7 --out " + File("s7b.gguf")).exit_code,
      0);
  ASSERT_EQ(
      RunPtmo("make-model --shape tiny --type q4_0 --seed 8 --out " + File("s8.gguf")).exit_code,
      0);
  const std::string a = ReadWholeFile(File("s7a.gguf"));
  EXPECT_GT(a.size(), 10000u);
  EXPECT_EQ(a, ReadWholeFile(File("s7b.gguf")));
  EXPECT_NE(a, ReadWholeFile(File("s8.gguf")));
}

TEST_F(EngineCliTest, MakeModelNamesABadShapeTypeOrVocabulary) {
  EngineCliResult shape = RunPtmo("make-model --shape gigantic --type f32 --out " + File("x.gguf"));
  ExpectOneLineError(shape);
  EXPECT_NE(shape.err.find("gigantic"), std::string::npos) << shape.err;
  EXPECT_NE(shape.err.find("tinyllama-1.1b"), std::string::npos) << shape.err;  // lists known

  EngineCliResult type = RunPtmo("make-model --shape tiny --type q3_k --out " + File("x.gguf"));
  ExpectOneLineError(type);
  EXPECT_NE(type.err.find("q3_k"), std::string::npos) << type.err;

  EngineCliResult vocab = RunPtmo("make-model --shape tiny --vocab gpt9 --out " + File("x.gguf"));
  ExpectOneLineError(vocab);
  EXPECT_NE(vocab.err.find("gpt9"), std::string::npos) << vocab.err;
  EXPECT_FALSE(std::filesystem::exists(File("x.gguf")));
}

TEST_F(EngineCliTest, LearnedVocabularySetsTheModelsVocabularySizeAndGenerates) {
  for (const std::string vocab : {"spm", "llama3", "qwen2"}) {
    SCOPED_TRACE(vocab);
    const std::string path = File("vocab-" + vocab + ".gguf");
    EngineCliResult made =
        RunPtmo("make-model --shape tiny-qwen2 --type q8_0 --vocab " + vocab + " --out " + path);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    // The filler default is 512 tokens; learned vocabularies have their own size.
    EXPECT_EQ(made.out.find("of 512 tokens"), std::string::npos) << made.out;
    EngineCliResult gen =
        RunPtmo("generate --model " + path + " --prompt 'Hello, world' -n 4 --temp 0 -t 1");
    EXPECT_EQ(gen.exit_code, 0) << gen.err;
  }
}

TEST_F(EngineCliTest, ChatKeepsTheConversationInTheModelsTemplate) {
  const std::string path = MakeModel("chat-qwen2.gguf", "--shape tiny --vocab qwen2");
  EngineCliResult r = RunPtmo("generate --model " + path + " --chat -n 6 --temp 0 -t 1",
                              "Hello there\nAnd a second question\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(CountLines(r.out), 2);  // one answer per user line, each ending in a newline
  // The second turn adds to the cache, so more prompt tokens than the first turn alone.
  EngineCliResult one =
      RunPtmo("generate --model " + path + " --chat -n 6 --temp 0 -t 1", "Hello there\n");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  auto prompt_tokens = [](const std::string& err) { return std::atoi(err.c_str() + 1); };
  EXPECT_GT(prompt_tokens(r.err), prompt_tokens(one.err)) << r.err << one.err;
  EXPECT_EQ(r.out.rfind(one.out, 0), 0u) << "the first answer must not depend on later lines";
}

TEST_F(EngineCliTest, ChatWithoutATemplateAsksForOneAndAcceptsAnOverride) {
  const std::string path = MakeModel("tiny-plain.gguf", "--shape tiny --type f32");
  EngineCliResult r = RunPtmo("generate --model " + path + " --chat -n 4 --temp 0", "Hi\n");
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("--template"), std::string::npos) << r.err;
  EngineCliResult ok =
      RunPtmo("generate --model " + path + " --chat --template chatml -n 4 --temp 0", "Hi\n");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(EngineCliTest, StopStringEndsTheTextBeforeIt) {
  const std::string path = MakeModel("tiny-plain.gguf", "--shape tiny --type f32");
  const std::string gen = "generate --model " + path + " --prompt 'Once upon' -n 24 --temp 0 -t 1";
  EngineCliResult full = RunPtmo(gen);
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const std::string text = full.out.substr(0, full.out.size() - 1);  // without the newline
  ASSERT_GE(text.size(), 6u) << text;
  // Two letters or digits from the second half (random weights also emit raw bytes).
  size_t at = std::string::npos;
  for (size_t i = text.size() / 2; i + 1 < text.size() && at == std::string::npos; ++i) {
    if (std::isalnum(static_cast<unsigned char>(text[i])) &&
        std::isalnum(static_cast<unsigned char>(text[i + 1]))) {
      at = i;
    }
  }
  ASSERT_NE(at, std::string::npos) << text;
  const std::string stop = text.substr(at, 2);
  EngineCliResult cut = RunPtmo(gen + " --stop " + ShellQuote(stop));
  ASSERT_EQ(cut.exit_code, 0) << cut.err;
  EXPECT_EQ(cut.out, text.substr(0, text.find(stop)) + "\n");
  EXPECT_NE(cut.err.find("stop string"), std::string::npos) << cut.err;
}

TEST_F(EngineCliTest, GenerateOnAMissingFileNamesIt) {
  EngineCliResult r = RunPtmo("generate --model " + File("absent.gguf") + " --prompt hi");
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("absent.gguf"), std::string::npos) << r.err;
}

TEST_F(EngineCliTest, GenerateOnAFileThatIsNotGgufNamesIt) {
  std::ofstream(File("notes.gguf")) << "these are not the weights you are looking for\n";
  EngineCliResult r = RunPtmo("generate --model " + File("notes.gguf") + " --prompt hi");
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("notes.gguf"), std::string::npos) << r.err;
}

TEST_F(EngineCliTest, PromptLongerThanTheContextIsOneLineError) {
  const std::string path = MakeModel("tiny-plain.gguf", "--shape tiny --type f32");
  std::string prompt;
  for (int i = 0; i < 200; ++i) prompt += "word" + std::to_string(i) + " ";
  EngineCliResult r = RunPtmo("generate --model " + path + " --prompt " + ShellQuote(prompt));
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("does not fit the context of 256 positions"), std::string::npos) << r.err;
  EngineCliResult small = RunPtmo("generate --model " + path + " --ctx 4 --prompt 'a b c d e f'");
  ExpectOneLineError(small);
  EXPECT_NE(small.err.find("context of 4 positions"), std::string::npos) << small.err;
}

TEST_F(EngineCliTest, GenerateNeedsExactlyOneOfPromptOrChat) {
  const std::string path = MakeModel("tiny-plain.gguf", "--shape tiny --type f32");
  ExpectOneLineError(RunPtmo("generate --model " + path));
  ExpectOneLineError(RunPtmo("generate --model " + path + " --prompt hi --chat"));
  EngineCliResult kv = RunPtmo("generate --model " + path + " --prompt hi --kv q8");
  ExpectOneLineError(kv);
  EXPECT_NE(kv.err.find("q8"), std::string::npos);
}

TEST_F(EngineCliTest, BenchEnginePrintsSpeedsBandwidthAndTheLimit) {
  const std::string path = MakeModel("tiny-q4_0.gguf", "--shape tiny --type q4_0");
  EngineCliResult r = RunPtmo("bench-engine --model " + path +
                              " --threads 1 --prompt-tokens 8 --gen-tokens 4 --rounds 1 "
                              "--bandwidth-mib 64 --bandwidth-passes 2 --paired-tokens 5");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* row :
       {"prompt processing", "generation", "memory read bandwidth", "weights read per token",
        "bandwidth limit", "generation vs limit", "per round", "paired per token", "5 tokens"}) {
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("GB/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" %"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("q4_0"), std::string::npos) << r.out;  // matrix types
}

TEST_F(EngineCliTest, BenchEngineSkipsThePairedRoundOnRequest) {
  const std::string path = MakeModel("tiny-q4_0.gguf", "--shape tiny --type q4_0");
  EngineCliResult r = RunPtmo("bench-engine --model " + path +
                              " --threads 1 --prompt-tokens 8 --gen-tokens 4 --rounds 1 "
                              "--bandwidth-mib 16 --bandwidth-passes 1 --paired-tokens 0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("per round"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("paired per token"), std::string::npos) << r.out;
  // The paired round needs its own context: prompt + paired tokens.
  EngineCliResult over = RunPtmo("bench-engine --model " + path +
                                 " --prompt-tokens 200 --gen-tokens 4 --paired-tokens 60 "
                                 "--bandwidth-mib 1");
  ExpectOneLineError(over);
  EXPECT_NE(over.err.find("260"), std::string::npos) << over.err;
  EXPECT_NE(over.err.find("--paired-tokens"), std::string::npos) << over.err;
}

TEST_F(EngineCliTest, BenchEngineRefusesMoreTokensThanTheContext) {
  const std::string path = MakeModel("tiny-q4_0.gguf", "--shape tiny --type q4_0");
  EngineCliResult r = RunPtmo("bench-engine --model " + path +
                              " --prompt-tokens 250 --gen-tokens 10 --bandwidth-mib 1");
  ExpectOneLineError(r);
  EXPECT_NE(r.err.find("260"), std::string::npos) << r.err;
}

TEST_F(EngineCliTest, EngineSubcommandsHaveHelp) {
  for (const char* sub : {"make-model", "generate", "bench-engine"}) {
    EngineCliResult r = RunPtmo(std::string(sub) + " --help");
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub;
  }
}

}  // namespace
