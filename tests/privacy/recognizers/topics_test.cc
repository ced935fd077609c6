#include "privacy/recognizers/topics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

namespace ptmo::privacy {
namespace {

class TopicTest : public ::testing::Test {
 protected:
  // Score of `topic` in `text`, 0 when not reported.
  double Score(std::string_view text, std::string_view topic) const {
    for (const TopicHit& h : detector_.Detect(text)) {
      if (h.topic == topic) return h.score;
    }
    return 0.0;
  }
  std::vector<std::string> Evidence(std::string_view text, std::string_view topic) const {
    for (const TopicHit& h : detector_.Detect(text)) {
      if (h.topic == topic) return h.evidence;
    }
    return {};
  }
  bool Has(const std::vector<std::string>& v, std::string_view s) const {
    return std::find(v.begin(), v.end(), s) != v.end();
  }

  TopicDetector detector_;
};

TEST_F(TopicTest, ReportsNothingForOrdinaryText) {
  EXPECT_TRUE(detector_.Detect("").empty());
  EXPECT_TRUE(detector_.Detect("The weather is nice today. Let's walk to the park.").empty());
  EXPECT_TRUE(detector_.Detect("오늘 날씨가 좋네요. 공원에 산책 가요.").empty());
  EXPECT_TRUE(detector_.Detect("std::vector<int> v; v.push_back(1);").empty());
}

TEST_F(TopicTest, FirstPersonDiagnosisScoresHigh) {
  const std::string text = "I was diagnosed with diabetes last year.";
  EXPECT_GT(Score(text, "health"), 0.9);
  const auto ev = Evidence(text, "health");
  EXPECT_TRUE(Has(ev, "diagnosed with"));
  EXPECT_TRUE(Has(ev, "diabetes"));
}

TEST_F(TopicTest, FirstPersonFramingRaisesScore) {
  const double general = Score("Diabetes is a common condition.", "health");
  const double personal = Score("I have diabetes.", "health");
  EXPECT_GT(general, 0.0);
  EXPECT_LT(general, 0.6);
  EXPECT_GT(personal, general);
  EXPECT_GT(personal, 0.85);
}

TEST_F(TopicTest, StrongTermsOutweighWeakOnes) {
  EXPECT_GT(Score("They talked about chemotherapy.", "health"),
            Score("They talked about the clinic and the hospital.", "health"));
  // A single weak term in third person is below the reporting threshold.
  EXPECT_EQ(Score("The doctor arrived.", "health"), 0.0);
}

TEST_F(TopicTest, MoreEvidenceGivesHigherScoreButStaysBelowOne) {
  const double one = Score("my loan", "finance");
  const double two = Score("my loan and my credit card debt", "finance");
  const double many =
      Score("my loan, my debt, bankruptcy, foreclosure, overdue, my loan again", "finance");
  EXPECT_LT(one, two);
  EXPECT_LT(two, many);
  EXPECT_LE(many, 1.0);
}

TEST_F(TopicTest, UsesWordBoundariesForEnglish) {
  EXPECT_EQ(Score("Hand me the spray bottle.", "religion"), 0.0);
  EXPECT_GT(Score("I pray every morning.", "religion"), 0.0);
  EXPECT_EQ(Score("We stayed at the Gaylord hotel.", "sexual_orientation"), 0.0);
  EXPECT_GT(Score("I am gay.", "sexual_orientation"), 0.5);
  EXPECT_EQ(Score("The concert was in Oklahoma.", "finance"), 0.0);
}

TEST_F(TopicTest, StemTermsMatchInflections) {
  EXPECT_GT(Score("I take antidepressants daily.", "health"), 0.5);
  EXPECT_GT(Score("We have two student loans.", "finance"), 0.0);
}

TEST_F(TopicTest, CaseSensitiveAcronymsAvoidCommonWords) {
  EXPECT_EQ(Score("Hearing aids help a lot.", "health"), 0.0);
  EXPECT_GT(Score("My uncle lives with AIDS.", "health"), 0.5);
}

TEST_F(TopicTest, CoversEveryEnglishTopic) {
  EXPECT_GT(Score("I got arrested for a DUI and I'm on probation.", "legal"), 0.8);
  EXPECT_GT(Score("My salary is low and I'm in debt.", "finance"), 0.7);
  EXPECT_GT(Score("I go to church and read the bible.", "religion"), 0.6);
  EXPECT_GT(Score("I'm transgender and came out last year.", "sexual_orientation"), 0.8);
  EXPECT_GT(
      Score("I voted for the green party; my political views are left-wing.", "political_opinion"),
      0.7);
  EXPECT_GT(Score("My ethnicity is Hispanic.", "ethnicity"), 0.6);
  EXPECT_GT(Score("I'm a union member and we pay union dues.", "trade_union"), 0.7);
  EXPECT_GT(Score("My phone uses a fingerprint and facial recognition.", "biometric"), 0.5);
  EXPECT_GT(Score("My DNA test showed a BRCA mutation.", "genetic"), 0.8);
}

TEST_F(TopicTest, CoversKoreanTopics) {
  EXPECT_GT(Score("저는 우울증 진단을 받았어요.", "health"), 0.9);
  EXPECT_GT(Score("제가 당뇨가 있어서 처방받은 약을 먹어요.", "health"), 0.9);
  EXPECT_GT(Score("작년에 위암 수술을 했어요.", "health"), 0.5);
  EXPECT_GT(Score("대출이 너무 많아서 파산 신청을 했어요.", "finance"), 0.5);
  EXPECT_GT(Score("제 연봉은 얼마 안 돼요.", "finance"), 0.5);
  EXPECT_GT(Score("음주운전으로 체포됐어요. 전과가 생겼어요.", "legal"), 0.5);
  EXPECT_GT(Score("저는 매주 교회에 가요.", "religion"), 0.5);
  EXPECT_GT(Score("저는 불교 신자예요.", "religion"), 0.5);
  EXPECT_GT(Score("저는 성소수자입니다.", "sexual_orientation"), 0.8);
  EXPECT_GT(Score("동성애에 대한 토론", "sexual_orientation"), 0.0);
  EXPECT_GT(Score("제가 지지하는 정당은 정의당입니다.", "political_opinion"), 0.8);
  EXPECT_GT(Score("저는 노조원이에요.", "trade_union"), 0.5);
  EXPECT_GT(Score("유전자 검사를 받았어요.", "genetic"), 0.0);
}

TEST_F(TopicTest, KoreanTermsAvoidCommonLookalikes) {
  EXPECT_EQ(Score("이 방법은 정당하다고 생각해요.", "political_opinion"), 0.0);
  EXPECT_EQ(Score("게이트웨이 설정을 바꿨어요. 게이머들이 좋아해요.", "sexual_orientation"), 0.0);
  EXPECT_EQ(Score("장인이 빚어낸 도자기", "finance"), 0.0);
  EXPECT_GT(Score("빚이 많아요.", "finance"), 0.0);
  EXPECT_EQ(Score("암호를 입력하고 암기하세요.", "health"), 0.0);
  EXPECT_GT(Score("암이 재발했어요.", "health"), 0.0);
  EXPECT_EQ(Score("전과목 성적이 올랐어요.", "legal"), 0.0);
  EXPECT_EQ(Score("계절에 맞는 옷", "religion"), 0.0);
}

TEST_F(TopicTest, ContainedTermsAreNotCountedTwice) {
  // "암 진단" contains the terms "암" and "진단": one occurrence, one evidence entry.
  const auto ev = Evidence("암 진단", "health");
  EXPECT_TRUE(Has(ev, "암 진단"));
  EXPECT_FALSE(Has(ev, "암"));
}

TEST_F(TopicTest, ResultsAreSortedByScoreAndBounded) {
  const auto hits = detector_.Detect(
      "I was diagnosed with cancer, I owe money on my mortgage, and I go to church.");
  ASSERT_GE(hits.size(), 3u);
  EXPECT_EQ(hits[0].topic, "health");
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_GT(hits[i].score, 0.0);
    EXPECT_LE(hits[i].score, 1.0);
    EXPECT_FALSE(hits[i].evidence.empty());
    if (i > 0) {
      EXPECT_GE(hits[i - 1].score, hits[i].score);
    }
  }
}

TEST_F(TopicTest, IsSafeToUseFromManyThreads) {
  const std::string text = "저는 우울증 진단을 받았고 대출도 있어요. I was arrested once.";
  const auto expected = detector_.Detect(text);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto got = detector_.Detect(text);
        if (got.size() != expected.size() || got[0].score != expected[0].score) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST_F(TopicTest, HandlesLargeRepetitiveInput) {
  std::string big;
  for (int i = 0; i < 50000; ++i) big += "cancer 암 ";
  const auto hits = detector_.Detect(big);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].topic, "health");
  EXPECT_LE(hits[0].score, 1.0);
}

}  // namespace
}  // namespace ptmo::privacy
