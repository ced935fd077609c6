// RunPiiEval with a real (rules-only) Analyzer: the glue between Analyze() and the scorer.
#include "eval/pii_eval_run.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ptmo::eval {
namespace {

using privacy::EntityType;

std::unique_ptr<privacy::Analyzer> RulesOnly() {
  privacy::AnalyzerOptions options;
  options.enable_ner = false;
  auto made = privacy::Analyzer::Create(options);
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  return made.ok() ? std::move(made).value() : nullptr;
}

EvalExample Example(size_t line, std::string text, std::vector<CpSpan> spans) {
  EvalExample ex;
  ex.line = line;
  ex.text = std::move(text);
  ex.spans = std::move(spans);
  return ex;
}

TEST(RunPiiEval, ScoresAnEmailInKoreanTextAtCodePointOffsets) {
  auto analyzer = RulesOnly();
  ASSERT_NE(analyzer, nullptr);
  // "메일은 " is 4 code points but 10 bytes: a byte-offset slip would miss the match.
  std::vector<EvalExample> examples = {
      Example(1, "메일은 minji.seo@example.org 입니다", {{EntityType::kEmail, 4, 25}})};
  examples[0].level = privacy::Level::kSemiSensitive;
  auto report = RunPiiEval(*analyzer, examples, ScorerOptions{0.5, {EntityType::kEmail}});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->micro.true_positives, 1u);
  EXPECT_EQ(report->micro.false_negatives, 0u);
  ASSERT_TRUE(report->level.has_value());
  EXPECT_EQ(report->level->total, 1u);
}

TEST(RunPiiEval, ReportsMissesThroughTheErrorHookWithContext) {
  auto analyzer = RulesOnly();
  ASSERT_NE(analyzer, nullptr);
  // With NER off nothing finds the name, so the PERSON span is a false negative.
  std::vector<EvalExample> examples = {
      Example(7, "Say hi to Bartholomew for me", {{EntityType::kPerson, 10, 21}})};
  std::vector<nlohmann::json> errors;
  PiiEvalHooks hooks;
  hooks.on_error = [&errors](const nlohmann::json& e) { errors.push_back(e); };
  size_t progress_calls = 0;
  hooks.progress = [&progress_calls](size_t done, size_t total) {
    ++progress_calls;
    EXPECT_EQ(done, 1u);
    EXPECT_EQ(total, 1u);
  };
  auto report = RunPiiEval(*analyzer, examples, ScorerOptions{0.5, {EntityType::kPerson}}, hooks);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(progress_calls, 1u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["line"], 7);
  EXPECT_EQ(errors[0]["kind"], "false_negative");
  EXPECT_EQ(errors[0]["type"], "PERSON");
  EXPECT_EQ(errors[0]["text"], "Bartholomew");
  EXPECT_EQ(errors[0]["context"], "Say hi to Bartholomew for me");
}

TEST(RunPiiEval, NamesTheLineOfATextTheAnalyzerRefuses) {
  privacy::AnalyzerOptions options;
  options.enable_ner = false;
  options.max_input_bytes = 8;
  auto analyzer = privacy::Analyzer::Create(options);
  ASSERT_TRUE(analyzer.ok());
  std::vector<EvalExample> examples = {Example(3, "short", {}),
                                       Example(9, "this one is too long", {})};
  auto report = RunPiiEval(**analyzer, examples, ScorerOptions{});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(report.status().message().rfind("line 9: ", 0), 0u) << report.status().message();
}

TEST(ErrorToJson, DescribesAFalsePositiveWithItsRecognizerAndNearestGold) {
  EvalExample ex = Example(2, "ping 10.0.0.1 now", {{EntityType::kUrl, 5, 13}});
  SpanError e;
  e.kind = SpanError::Kind::kFalsePositive;
  e.span = {EntityType::kIpAddress, 5, 13};
  e.index = 0;
  e.nearest = CpSpan{EntityType::kUrl, 5, 13};
  e.nearest_iou = 1.0;
  privacy::Span predicted;
  predicted.type = EntityType::kIpAddress;
  predicted.begin = 5;
  predicted.end = 13;
  predicted.recognizer = "ip_address";
  nlohmann::json j = ErrorToJson(ex, e, {predicted});
  EXPECT_EQ(j["kind"], "false_positive");
  EXPECT_EQ(j["type"], "IP_ADDRESS");
  EXPECT_EQ(j["text"], "10.0.0.1");
  EXPECT_EQ(j["recognizer"], "ip_address");
  EXPECT_EQ(j["nearest"]["type"], "URL");
  EXPECT_DOUBLE_EQ(j["nearest"]["iou"].get<double>(), 1.0);
}

}  // namespace
}  // namespace ptmo::eval
