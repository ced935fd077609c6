#include "eval/pii_dataset.h"

#include <gtest/gtest.h>

#include <string>

namespace ptmo::eval {
namespace {

using privacy::EntityType;

// Expects parsing `line` as line 7 to fail with a message naming line 7 and `field`.
void ExpectLineError(const std::string& line, const std::string& field) {
  auto ex = ParseEvalLine(line, 7);
  ASSERT_FALSE(ex.ok()) << line;
  EXPECT_EQ(ex.status().code(), StatusCode::kInvalidArgument);
  std::string msg = ex.status().message();
  EXPECT_EQ(msg.rfind("line 7: ", 0), 0u) << msg;
  EXPECT_NE(msg.find(field), std::string::npos) << "message '" << msg << "' lacks " << field;
}

TEST(ParseEvalLine, ReadsTextSpansAndLevel) {
  auto ex = ParseEvalLine(
      R"({"text": "mail a@b.co now", "spans": [{"start": 5, "end": 11, "type": "EMAIL"}],)"
      R"( "level": "SEMI_SENSITIVE", "id": "ignored"})",
      3);
  ASSERT_TRUE(ex.ok()) << ex.status().ToString();
  EXPECT_EQ(ex->line, 3u);
  EXPECT_EQ(ex->text, "mail a@b.co now");
  ASSERT_EQ(ex->spans.size(), 1u);
  EXPECT_EQ(ex->spans[0], (CpSpan{EntityType::kEmail, 5, 11}));
  ASSERT_TRUE(ex->level.has_value());
  EXPECT_EQ(*ex->level, privacy::Level::kSemiSensitive);
}

TEST(ParseEvalLine, AcceptsALineWithoutLevelOrSpansInside) {
  auto ex = ParseEvalLine(R"({"text": "What is the capital of France?", "spans": []})", 1);
  ASSERT_TRUE(ex.ok());
  EXPECT_TRUE(ex->spans.empty());
  EXPECT_FALSE(ex->level.has_value());
}

TEST(ParseEvalLine, MeasuresOffsetsInCodePointsNotBytes) {
  // "김민수" is 3 code points (9 bytes); end 3 is in range, end 4 is not.
  EXPECT_TRUE(
      ParseEvalLine(R"({"text": "김민수", "spans": [{"start": 0, "end": 3, "type": "PERSON"}]})", 1)
          .ok());
  ExpectLineError(R"({"text": "김민수", "spans": [{"start": 0, "end": 4, "type": "PERSON"}]})",
                  "spans[0].end");
}

TEST(ParseEvalLine, RejectsMalformedJson) {
  ExpectLineError(R"({"text": "a", "spans": [)", "JSON");
}

TEST(ParseEvalLine, RejectsANonObjectLine) {
  ExpectLineError(R"(["text"])", "object");
}

TEST(ParseEvalLine, RejectsAMissingText) {
  ExpectLineError(R"({"spans": []})", "\"text\"");
}

TEST(ParseEvalLine, RejectsANonStringText) {
  ExpectLineError(R"({"text": 5, "spans": []})", "\"text\"");
}

TEST(ParseEvalLine, RejectsAMissingSpans) {
  ExpectLineError(R"({"text": "a"})", "\"spans\"");
}

TEST(ParseEvalLine, RejectsSpansThatAreNotAnArray) {
  ExpectLineError(R"({"text": "a", "spans": {}})", "\"spans\"");
}

TEST(ParseEvalLine, RejectsASpanThatIsNotAnObject) {
  ExpectLineError(R"({"text": "abc", "spans": [[0, 1, "EMAIL"]]})", "spans[0]");
}

TEST(ParseEvalLine, RejectsAMissingStart) {
  ExpectLineError(R"({"text": "abc", "spans": [{"end": 1, "type": "EMAIL"}]})", "\"start\"");
}

TEST(ParseEvalLine, RejectsANonIntegerOffset) {
  ExpectLineError(R"({"text": "abc", "spans": [{"start": 0.5, "end": 1, "type": "EMAIL"}]})",
                  "spans[0].start");
  ExpectLineError(R"({"text": "abc", "spans": [{"start": 0, "end": "2", "type": "EMAIL"}]})",
                  "spans[0].end");
}

TEST(ParseEvalLine, RejectsANegativeOffset) {
  ExpectLineError(R"({"text": "abc", "spans": [{"start": -1, "end": 1, "type": "EMAIL"}]})",
                  "spans[0].start");
}

TEST(ParseEvalLine, RejectsStartAfterEnd) {
  ExpectLineError(R"({"text": "abcdef", "spans": [{"start": 4, "end": 2, "type": "EMAIL"}]})",
                  "spans[0]: start 4 is not before end 2");
}

TEST(ParseEvalLine, RejectsAnEmptySpan) {
  ExpectLineError(R"({"text": "abcdef", "spans": [{"start": 2, "end": 2, "type": "EMAIL"}]})",
                  "spans[0]");
}

TEST(ParseEvalLine, RejectsAnEndBeyondTheText) {
  ExpectLineError(
      R"({"text": "abc", "spans": [{"start": 0, "end": 1, "type": "EMAIL"}, {"start": 1, "end": 9, "type": "URL"}]})",
      "spans[1].end: 9 is beyond the text's 3 code points");
}

TEST(ParseEvalLine, RejectsAnUnknownType) {
  ExpectLineError(R"({"text": "abc", "spans": [{"start": 0, "end": 1, "type": "EMAIL_ADDRESS"}]})",
                  "spans[0].type: unknown entity type \"EMAIL_ADDRESS\"");
}

TEST(ParseEvalLine, RejectsAMissingType) {
  ExpectLineError(R"({"text": "abc", "spans": [{"start": 0, "end": 1}]})", "\"type\"");
}

TEST(ParseEvalLine, RejectsAnUnknownLevel) {
  ExpectLineError(R"({"text": "abc", "spans": [], "level": "SECRET"})", "\"level\"");
}

TEST(ParseEvalLine, RejectsInvalidUtf8) {
  ExpectLineError(std::string("{\"text\": \"a\xff\", \"spans\": []}"), "JSON");
}

TEST(ParseEvalJsonl, SkipsBlankLinesAndKeepsLineNumbers) {
  auto all = ParseEvalJsonl(
      "{\"text\": \"a\", \"spans\": []}\n\n  \n{\"text\": \"b\", \"spans\": []}\n", "f.jsonl");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].line, 1u);
  EXPECT_EQ((*all)[1].line, 4u);
}

TEST(ParseEvalJsonl, NamesTheFileAndLineOfTheFirstBadLine) {
  auto all = ParseEvalJsonl(
      "{\"text\": \"a\", \"spans\": []}\r\n{\"text\": \"b\", \"spans\": [{\"start\": 0, \"end\": "
      "5, "
      "\"type\": \"URL\"}]}\n",
      "data/x.jsonl");
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().message(),
            "data file 'data/x.jsonl' line 2: spans[0].end: 5 is beyond the text's 1 code points");
}

TEST(ReadEvalFile, ReportsAMissingFile) {
  auto all = ReadEvalFile("/nonexistent/eval.jsonl");
  ASSERT_FALSE(all.ok());
  EXPECT_EQ(all.status().code(), StatusCode::kNotFound);
}

TEST(ReadEvalFile, ParsesTheShippedHeldOutSet) {
  auto all = ReadEvalFile(std::string(PTMO_SOURCE_DIR) + "/data/eval/heldout_en_ko.jsonl");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_GE(all->size(), 300u);
  size_t without_pii = 0;
  for (const EvalExample& ex : *all) {
    EXPECT_TRUE(ex.level.has_value()) << "line " << ex.line;
    if (ex.spans.empty()) ++without_pii;
  }
  EXPECT_GE(without_pii * 10, all->size() * 3) << "at least 30% of lines have no PII";
}

}  // namespace
}  // namespace ptmo::eval
