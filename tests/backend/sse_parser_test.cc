// The SSE parser must give the same events however the byte stream is cut into chunks.
#include "backend/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ptmo::backend {
namespace {

std::vector<SseEvent> ParseWhole(std::string_view stream) {
  SseParser parser;
  std::vector<SseEvent> events;
  EXPECT_TRUE(parser.Feed(stream, &events).ok());
  return events;
}

// Feeds `stream` cut at every pair of split points (three chunks), and one byte at a time,
// and checks every way gives `expected`.
void ExpectSameEventsForEverySplit(std::string_view stream, const std::vector<SseEvent>& expected) {
  for (size_t a = 0; a <= stream.size(); ++a) {
    for (size_t b = a; b <= stream.size(); ++b) {
      SseParser parser;
      std::vector<SseEvent> events;
      ASSERT_TRUE(parser.Feed(stream.substr(0, a), &events).ok());
      ASSERT_TRUE(parser.Feed(stream.substr(a, b - a), &events).ok());
      ASSERT_TRUE(parser.Feed(stream.substr(b), &events).ok());
      ASSERT_EQ(events, expected) << "split at " << a << " and " << b;
    }
  }
  SseParser parser;
  std::vector<SseEvent> events;
  for (char c : stream) ASSERT_TRUE(parser.Feed(std::string_view(&c, 1), &events).ok());
  EXPECT_EQ(events, expected);
}

TEST(SseParser, ParsesOpenAiStyleStream) {
  const std::string stream =
      "data: {\"a\":1}\n\n"
      ": keep-alive\n\n"
      "data: {\"b\":2}\n\n"
      "data: [DONE]\n\n";
  const std::vector<SseEvent> expected = {
      {"message", "{\"a\":1}", ""}, {"message", "{\"b\":2}", ""}, {"message", "[DONE]", ""}};
  EXPECT_EQ(ParseWhole(stream), expected);
  ExpectSameEventsForEverySplit(stream, expected);
}

TEST(SseParser, JoinsMultiLineDataWithNewlines) {
  const std::string stream = "data: first\ndata: second\ndata:third\n\n";
  ExpectSameEventsForEverySplit(stream, {{"message", "first\nsecond\nthird", ""}});
}

TEST(SseParser, AcceptsCrLfAndBareCrLineEndings) {
  const std::string crlf = "event: delta\r\ndata: x\r\n\r\ndata: y\r\n\r\n";
  ExpectSameEventsForEverySplit(crlf, {{"delta", "x", ""}, {"message", "y", ""}});
  const std::string cr = "data: x\r\rdata: y\r\r";
  ExpectSameEventsForEverySplit(cr, {{"message", "x", ""}, {"message", "y", ""}});
}

TEST(SseParser, TwoCarriageReturnsAreTwoLineEnds) {
  // "\r\r" must dispatch; a CRLF split across chunks must not count twice.
  ExpectSameEventsForEverySplit("data: a\r\r\ndata: b\r\n\r\n",
                                {{"message", "a", ""}, {"message", "b", ""}});
}

TEST(SseParser, SkipsCommentsAndUnknownFieldsAndRetry) {
  const std::string stream = ": hello\nretry: 100\nfoo: bar\ndata: x\n: mid\n\n";
  ExpectSameEventsForEverySplit(stream, {{"message", "x", ""}});
}

TEST(SseParser, DropsEventsWithoutDataButKeepsEmptyData) {
  ExpectSameEventsForEverySplit("event: ping\n\n", {});
  ExpectSameEventsForEverySplit("data\n\n", {{"message", "", ""}});
  ExpectSameEventsForEverySplit("data:\n\n", {{"message", "", ""}});
}

TEST(SseParser, StripsOnlyOneLeadingSpaceFromValues) {
  ExpectSameEventsForEverySplit("data:  two spaces\n\n", {{"message", " two spaces", ""}});
  ExpectSameEventsForEverySplit("data:a:b\n\n", {{"message", "a:b", ""}});
}

TEST(SseParser, KeepsLastIdAcrossEventsAndIgnoresIdsWithNul) {
  std::string stream = "id: 7\ndata: a\n\ndata: b\n\nid: x";
  stream += '\0';
  stream += "y\ndata: c\n\n";
  ExpectSameEventsForEverySplit(
      stream, {{"message", "a", "7"}, {"message", "b", "7"}, {"message", "c", "7"}});
}

TEST(SseParser, SkipsByteOrderMarkOnlyAtStart) {
  const std::string stream =
      "\xEF\xBB\xBF"
      "data: x\n\n";
  ExpectSameEventsForEverySplit(stream, {{"message", "x", ""}});
  // A partial BOM is not a BOM: the bytes stay part of the first line (an unknown field here).
  ExpectSameEventsForEverySplit(
      "\xEF\xBB"
      "data: x\n\ndata: y\n\n",
      {{"message", "y", ""}});
}

TEST(SseParser, KeepsMultiByteTextSplitAcrossChunks) {
  ExpectSameEventsForEverySplit("data: 한국어 ✓\n\n", {{"message", "한국어 ✓", ""}});
}

TEST(SseParser, FinishReportsADiscardedPartialEvent) {
  SseParser parser;
  std::vector<SseEvent> events;
  ASSERT_TRUE(parser.Feed("data: complete\n\ndata: cut", &events).ok());
  EXPECT_EQ(events.size(), 1u);
  EXPECT_TRUE(parser.Finish());

  SseParser clean;
  ASSERT_TRUE(clean.Feed("data: complete\n\n", &events).ok());
  EXPECT_FALSE(clean.Finish());

  SseParser fields_only;
  ASSERT_TRUE(fields_only.Feed("data: x\n", &events).ok());
  EXPECT_TRUE(fields_only.Finish());
}

TEST(SseParser, RejectsALineLongerThanTheLimit) {
  SseParser parser(/*max_event_bytes=*/16);
  std::vector<SseEvent> events;
  EXPECT_TRUE(parser.Feed("data: short\n\n", &events).ok());
  Status st = parser.Feed("data: " + std::string(64, 'x'), &events);
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
}

TEST(SseParser, RejectsAnEventWhoseDataGrowsBeyondTheLimit) {
  SseParser parser(/*max_event_bytes=*/16);
  std::vector<SseEvent> events;
  Status st;
  for (int i = 0; i < 10 && st.ok(); ++i) st = parser.Feed("data: 12345\n", &events);
  EXPECT_EQ(st.code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace ptmo::backend
