// Runs the built `ptmo` binary (PTMO_BINARY_PATH) the way a user's shell would, for the CLI
// tests: exit code, stdout and stderr captured separately. Header-only test support.
#ifndef PTMO_TESTS_CLI_CLI_RUNNER_H_
#define PTMO_TESTS_CLI_CLI_RUNNER_H_

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ptmo::testing {

struct CliResult {
  int exit_code = -1;  // -1 when the process did not exit normally (signal)
  std::string out;     // stdout
  std::string err;     // stderr
};

// Single-quotes `s` for /bin/sh.
inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The bytes of `path`; empty when it cannot be read.
inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteWholeFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// A fresh directory under the test temp dir, removed with everything in it on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "ptmo_cli") {
    std::string pattern = ::testing::TempDir() + prefix + "_XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed: " << pattern;
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs `ptmo <args>` through /bin/sh (`args` is shell text: quote paths with ShellQuote) with
// `stdin_text` on standard input.
inline CliResult RunPtmo(const std::string& args, const std::string& stdin_text = "") {
  ScratchDir io("ptmo_cli_io");
  WriteWholeFile(io.File("in"), stdin_text);
  const std::string cmd = ShellQuote(PTMO_BINARY_PATH) + " " + args + " <" +
                          ShellQuote(io.File("in")) + " >" + ShellQuote(io.File("out")) + " 2>" +
                          ShellQuote(io.File("err"));
  const int status = std::system(cmd.c_str());
  CliResult r;
  r.exit_code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadWholeFile(io.File("out"));
  r.err = ReadWholeFile(io.File("err"));
  return r;
}

// The same with one argument per element, each quoted.
inline CliResult RunPtmoArgs(const std::vector<std::string>& args,
                             const std::string& stdin_text = "") {
  std::string line;
  for (const std::string& a : args) line += (line.empty() ? "" : " ") + ShellQuote(a);
  return RunPtmo(line, stdin_text);
}

}  // namespace ptmo::testing

#endif  // PTMO_TESTS_CLI_CLI_RUNNER_H_
