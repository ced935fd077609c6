#include "backend/stop_filter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/utf8.h"

namespace ptmo::backend {
namespace {

// Feeds `chunks` and returns the released text and whether a stop string was hit.
std::pair<std::string, bool> Filter(const std::vector<std::string>& stops,
                                    const std::vector<std::string>& chunks) {
  StopStringFilter filter(stops);
  std::string out;
  for (const std::string& c : chunks) {
    if (filter.Add(c, &out)) return {out, true};
  }
  filter.Finish(&out);
  return {out, false};
}

TEST(StopStringFilter, CutsAStopStringSplitAcrossChunks) {
  EXPECT_EQ(Filter({"END"}, {"hello E", "N", "D and more"}),
            std::make_pair(std::string("hello "), true));
}

TEST(StopStringFilter, ReleasesAHeldPrefixThatTurnsOutNotToBeAStop) {
  StopStringFilter filter({"END"});
  std::string out;
  EXPECT_FALSE(filter.Add("abc EN", &out));
  EXPECT_EQ(out, "abc ");  // "EN" is held: it may become "END"
  EXPECT_FALSE(filter.Add("X", &out));
  EXPECT_EQ(out, "abc ENX");
}

TEST(StopStringFilter, UsesTheEarliestOfSeveralStops) {
  EXPECT_EQ(Filter({"zz", "b"}, {"a", "bzz"}), std::make_pair(std::string("a"), true));
}

TEST(StopStringFilter, FinishReleasesAHeldTail) {
  EXPECT_EQ(Filter({"END"}, {"abc E"}), std::make_pair(std::string("abc E"), false));
}

TEST(StopStringFilter, WithoutStopsPassesEverythingAndIgnoresEmptyStops) {
  StopStringFilter filter({""});
  EXPECT_FALSE(filter.active());
  std::string out;
  EXPECT_FALSE(filter.Add("abc", &out));
  EXPECT_EQ(out, "abc");
}

TEST(StopStringFilter, NeverReleasesHalfACharacter) {
  // The stop string starts with the same lead byte as the text's last character.
  StopStringFilter filter({"한국"});
  std::string out;
  EXPECT_FALSE(filter.Add("ab한", &out));
  EXPECT_EQ(out, "ab");
  EXPECT_FALSE(filter.Add("글", &out));
  EXPECT_EQ(out, "ab한글");
  EXPECT_TRUE(utf8::IsValid(out));
}

TEST(ToValidUtf8, KeepsValidTextAndReplacesInvalidBytes) {
  EXPECT_EQ(ToValidUtf8("plain 한글"), "plain 한글");
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("\xED\x95"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(utf8::IsValid(ToValidUtf8("\xC0\x80\xF8 x \xE2\x82")));
}

}  // namespace
}  // namespace ptmo::backend
