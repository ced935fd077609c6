// `ptmo demo`: the main job on embedded defaults. Scans a built-in conversation of English
// and Korean prompts, shows each prompt's level and what a cloud call would carry after
// masking, previews the hybrid split of a mixed prompt, restores a streamed reply, and checks
// that no detected value survives masking. (The gateway and models arrive with later issues;
// the cloud reply here is a simulation and is labelled as one.)
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/table.h"
#include "privacy/decomposer.h"
#include "privacy/vault/vault.h"

namespace ptmo::cli {
namespace {

// Built-in prompts: public, semi-sensitive, private and mixed, in English and Korean. The
// numbers are well-formed but fake (valid checksums, never issued to anyone).
constexpr const char* kPrompts[] = {
    "What is Python?",
    "Schedule a meeting with John tomorrow",
    "My password is secret123. What is Python?",
    "Email sarah.lee@northwind-traders.com or call (415) 555-0132 about the contract.",
    "I was diagnosed with type 2 diabetes last month; what diet should I follow?",
    "My card 4539 1488 0343 6467 was charged twice by Acme Corp, how do I dispute it?",
    "Deploy with AWS key AKIAQ3EGRJ5XWNV7TBLM and token ghp_4kZ8r2Qw9Lm3Np7Xc5Vb1Hj6Tf0Sd8Ya2Ke4",
    "파이썬에서 리스트를 정렬하는 방법을 알려줘.",
    "김민수 씨에게 내일 서울역에서 만나자고 전해 줘.",
    "제 주민등록번호는 850315-2234569 이고 비밀번호는 qwer1234! 입니다.",
};

constexpr const char* kMixed =
    "Translate 'good morning' into French. My SSN is 536-22-8714 and I need to update my W-4; "
    "also, email the form to jane.doe@contoso.org.";

std::string Types(const std::vector<privacy::Span>& spans) {
  std::string out;
  for (const auto& s : spans)
    out += (out.empty() ? "" : ",") + std::string(privacy::EntityTypeName(s.type));
  return out.empty() ? "-" : out;
}

int RunDemo(const AnalyzerFlags& flags) {
  auto analyzer = MakeAnalyzer(flags);
  if (!analyzer.ok()) return Fail(analyzer.status());
  const privacy::Analyzer& a = **analyzer;
  privacy::Vault vault;  // one conversation

  std::cout << "== 1. Privacy guard on a built-in conversation (" << std::size(kPrompts)
            << " prompts)\n\n";
  Table t({"#", "LEVEL", "SCORE", "FOUND", "WHAT A CLOUD CALL WOULD CARRY (masked)"});
  size_t spans_total = 0, leaked = 0;
  int i = 0;
  for (const char* prompt : kPrompts) {
    auto r = a.Analyze(prompt);
    if (!r.ok()) return Fail(r.status());
    auto m = vault.Mask(prompt, r->spans, privacy::MaskMode::kPlaceholder);
    if (!m.ok()) return Fail(m.status());
    for (const auto& s : r->spans) {
      ++spans_total;
      std::string value(std::string_view(prompt).substr(s.begin, s.length()));
      if (m->text.find(value) != std::string::npos) ++leaked;
    }
    std::string carried =
        r->level == privacy::Level::kPrivate ? "(stays on the device) " + m->text : m->text;
    t.AddRow({std::to_string(++i), std::string(privacy::LevelName(r->level)), Fixed(r->score),
              Types(r->spans), carried});
  }
  t.Print(std::cout, 90);

  std::cout << "\n== 2. Hybrid preview: decompose a mixed prompt (entity strategy)\n\n";
  auto parts = privacy::Decompose(a, kMixed, privacy::DecomposeStrategy::kEntity);
  if (!parts.ok()) return Fail(parts.status());
  Table pt({"PART", "LEVEL", "ROUTE", "TEXT SENT OR KEPT"});
  int k = 0;
  for (const privacy::Part& p : *parts) {
    bool local = p.analysis.level == privacy::Level::kPrivate;
    auto m = vault.Mask(p.text, p.analysis.spans, privacy::MaskMode::kPlaceholder);
    if (!m.ok()) return Fail(m.status());
    pt.AddRow({std::to_string(++k), std::string(privacy::LevelName(p.analysis.level)),
               local ? "local" : "cloud (masked)", local ? p.text : m->text});
  }
  pt.Print(std::cout, 90);

  std::cout
      << "\n== 3. Restoring a streamed reply (simulated cloud reply, split mid-placeholder)\n\n";
  auto r4 = a.Analyze(kPrompts[3]);
  auto masked = vault.Mask(kPrompts[3], r4->spans, privacy::MaskMode::kPlaceholder);
  std::string reply =
      "Sure - I drafted a note to " +
      (masked->replacements.empty() ? std::string("you") : masked->replacements[0].pseudonym) +
      " asking them to confirm the contract.";
  privacy::StreamRestorer restorer = vault.NewStreamRestorer();
  std::string shown;
  std::cout << "  chunks:";
  for (size_t pos = 0; pos < reply.size(); pos += 7) {
    std::string chunk = reply.substr(pos, 7);
    std::cout << " [" << chunk << "]";
    shown += restorer.Feed(chunk);
  }
  shown += restorer.Finish();
  std::cout << "\n  cloud sent: " << reply << "\n  user sees:  " << shown << "\n";

  std::cout << "\n== 4. Leak check\n\n  " << leaked << " of " << spans_total
            << " detected sensitive values appear in the masked texts; vault holds " << vault.size()
            << " pseudonyms.\n";
  return leaked == 0 ? 0 : 1;
}

}  // namespace

void RegisterDemo(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<AnalyzerFlags>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Run the privacy guard on built-in English and Korean prompts and show masking");
  AddAnalyzerFlags(cmd, flags.get());
  cmd->callback([flags, exit_code] { *exit_code = RunDemo(*flags); });
}

}  // namespace ptmo::cli
