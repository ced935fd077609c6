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
  // The highest score over all topics, 0 when none is reported.
  double MaxScore(std::string_view text) const {
    double m = 0.0;
    for (const TopicHit& h : detector_.Detect(text)) m = std::max(m, h.score);
    return m;
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
  EXPECT_LE(general, 0.3);
  EXPECT_GT(personal, general);
  EXPECT_GE(personal, 0.85);
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

// A text and the topic it mentions.
struct Example {
  const char* text;
  const char* topic;
};

// General questions and encyclopedic mentions: the topic is found but nobody's data is
// disclosed, so it stays PUBLIC (0.8 * 0.3 < 0.3).
constexpr Example kGeneral[] = {
    {"What are the symptoms of diabetes?", "health"},
    {"How does chemotherapy work?", "health"},
    {"Explain how mortgages work.", "finance"},
    {"What is the history of the Catholic church?", "religion"},
    {"Can I ask what bipolar disorder is?", "health"},
    {"Tell me about the causes of depression.", "health"},
    {"What is the difference between a felony and a misdemeanor?", "legal"},
    {"How do Muslims observe Ramadan?", "religion"},
    {"What percentage of voters are registered Democrats?", "political_opinion"},
    {"How does our immune system fight HIV?", "health"},
    {"How do I apply for a student loan?", "finance"},
    {"What is Type I diabetes?", "health"},
    {"I’m curious about the history of the Catholic church.", "religion"},
    {"Why do some countries ban facial recognition?", "biometric"},
    {"What are the legal consequences of a DUI conviction?", "legal"},
    {"Which countries recognize same-sex marriage?", "sexual_orientation"},
    {"당뇨병의 증상은 무엇인가요?", "health"},
    {"우울증이란 무엇인가요?", "health"},
    {"항암 치료는 어떻게 진행되나요?", "health"},
    {"개인회생 신청 절차를 알려주세요.", "finance"},
    {"음주운전 처벌 기준은 어떻게 되나요?", "legal"},
    {"천주교와 개신교의 차이는 무엇인가요?", "religion"},
    {"우리나라 당뇨 환자 수는 얼마나 되나요?", "health"},
    {"동성결혼을 허용하는 나라는 어디인가요?", "sexual_orientation"},
    {"공황장애는 어떻게 치료하나요?", "health"},
    {"임신 중에 먹으면 안 되는 음식은 무엇인가요?", "health"},
    {"천주교는 조선 후기에 박해를 받았습니다.", "religion"},
    {"당뇨 환자는 어떤 음식을 먹어야 하나요?", "health"},
    {"주택담보대출 금리는 어떻게 정해지나요?", "finance"},
    {"노동조합에 가입하면 어떤 권리가 있나요?", "trade_union"},
    {"유전자 검사로 무엇을 알 수 있나요?", "genetic"},
    {"당뇨에 좋은 음식이 있어요?", "health"},
};

TEST_F(TopicTest, GeneralQuestionsAboutATopicScoreAtMostPointThree) {
  for (const Example& ex : kGeneral) {
    SCOPED_TRACE(ex.text);
    EXPECT_GT(Score(ex.text, ex.topic), 0.0);  // the topic is seen ..
    EXPECT_LE(MaxScore(ex.text), 0.3);         // .. but nobody's data is disclosed
  }
}

// Disclosures about the user, a relative, or a named or described person: PRIVATE
// (0.8 * 0.9 >= 0.7).
constexpr Example kDisclosures[] = {
    {"I've been having panic attacks at work almost every day", "health"},
    {"I'm two months behind on my mortgage and the bank keeps calling", "finance"},
    {"I'm being sued by my former landlord", "legal"},
    {"Client Sarah Goldberg attends synagogue on Fridays and needs a kosher menu for her "
     "hospital stay",
     "religion"},
    {"My husband was diagnosed with leukemia last month.", "health"},
    {"Her son was arrested for shoplifting last week.", "legal"},
    {"My daughter came out as gay to us yesterday.", "sexual_orientation"},
    {"We filed for bankruptcy in March.", "finance"},
    {"I'm a registered Republican but I voted for the Democrats this time.", "political_opinion"},
    {"Patient John Miller has a history of bipolar disorder.", "health"},
    {"My boss is a union member.", "trade_union"},
    {"I converted to Islam two years ago.", "religion"},
    {"Mr. Park's BRCA genetic test came back positive.", "genetic"},
    {"As a Native American woman I often face questions about my ethnicity.", "ethnicity"},
    {"How do I tell my boss I have cancer?", "health"},
    {"요즘 우울증 약을 먹고 있는데 술을 마셔도 되는지 궁금해요", "health"},
    {"지난주에 공황장애 진단을 받았어요", "health"},
    {"임신 8주인데 아직 회사에 알리지 않았어요", "health"},
    {"음주운전으로 면허가 취소됐는데", "legal"},
    {"남편이 암 투병 중이라 휴직계를 내야 해요", "health"},
    {"월급이 밀려서 카드값을 못 냈더니 압류 통지서를 받았어요", "finance"},
    {"우리 엄마가 치매 초기 진단을 받으셨어요.", "health"},
    {"저는 동성애자라서 가족에게 말하기가 힘들어요.", "sexual_orientation"},
    {"아버지가 교회 장로님이세요.", "religion"},
    {"작년에 개인회생을 신청했어요.", "finance"},
    {"친구가 이혼 소송 중이에요.", "legal"},
    {"민수 씨는 탈북민이라 정착 지원을 받아요.", "ethnicity"},
    {"노조에 가입했는데 회사에서 불이익을 받을까 걱정돼요.", "trade_union"},
    {"작년에 유전자 검사를 받았는데 BRCA 변이가 나왔어요.", "genetic"},
    {"당뇨가 있는데 어떤 음식을 먹어야 하나요?", "health"},
    {"매주 일요일마다 성당에 다니고 있어요.", "religion"},
    {"제가 지지하는 정당은 정의당입니다.", "political_opinion"},
};

TEST_F(TopicTest, DisclosuresAboutAnIdentifiablePersonScoreAtLeastPointEightFive) {
  for (const Example& ex : kDisclosures) {
    SCOPED_TRACE(ex.text);
    EXPECT_GE(Score(ex.text, ex.topic), 0.85);
  }
}

TEST_F(TopicTest, AnAnchorWithOnlyWeakTermsIsInBetween) {
  for (const char* text : {"My doctor told me to rest.", "병원에 다녀왔어요.",
                           "I need to talk to my lawyer tomorrow."}) {
    SCOPED_TRACE(text);
    EXPECT_GE(MaxScore(text), 0.4);
    EXPECT_LE(MaxScore(text), 0.6);
  }
  // More weak evidence moves towards the ceiling, never past it.
  EXPECT_GT(Score("My doctor at the clinic checked my blood pressure.", "health"),
            Score("My doctor told me to rest.", "health"));
  EXPECT_LE(Score("My doctor at the clinic checked my blood pressure.", "health"), 0.6);
}

TEST_F(TopicTest, TheAskerOfAGeneralQuestionIsNotAnAnchor) {
  EXPECT_LE(MaxScore("Tell me how antidepressants work."), 0.3);
  EXPECT_LE(MaxScore("Can you explain to me what a felony is?"), 0.3);
  EXPECT_LE(MaxScore("I want to know how chemotherapy works."), 0.3);
  EXPECT_LE(MaxScore("I'm writing an essay on the history of labor unions."), 0.3);
  EXPECT_LE(MaxScore("I’m writing an essay on the history of labor unions."), 0.3);
  EXPECT_LE(MaxScore("For my essay, explain the history of the Catholic church."), 0.3);
  EXPECT_LE(MaxScore("How can we prevent cancer?"), 0.3);
  // The same first person telling about itself is one.
  EXPECT_GE(Score("I want to know if my chemotherapy will make me lose my hair.", "health"), 0.85);
  EXPECT_GE(Score("Should I tell my wife about my HIV status?", "health"), 0.85);
}

TEST_F(TopicTest, AnchorsBelongToTheirOwnSentence) {
  EXPECT_LE(MaxScore("What are the symptoms of diabetes? I want to lose weight."), 0.3);
  EXPECT_LE(MaxScore("Hi, I'm Tom. What is bipolar disorder?"), 0.3);
  // A title's period does not end the sentence.
  EXPECT_GE(Score("Mr. Kim has diabetes.", "health"), 0.85);
  EXPECT_GE(Score("Mrs. Lee was arrested yesterday.", "legal"), 0.85);
}

TEST_F(TopicTest, ThirdPersonPronounsNeedAPersonNounNearby) {
  // A pronoun about someone described ("the client") anchors, across sentences too.
  EXPECT_GE(Score("The client called today. She has bipolar disorder.", "health"), 0.85);
  EXPECT_GE(Score("My mom is 70. She was diagnosed with dementia last year.", "health"), 0.85);
  // A pronoun with nobody described does not.
  EXPECT_LE(MaxScore("Luther nailed his theses to the church door."), 0.3);
}

TEST_F(TopicTest, RoleWordsAnchorOnlyBeforeAName) {
  EXPECT_GE(Score("Tenant Maria Lopez is behind on rent and facing eviction.", "finance"), 0.85);
  EXPECT_LE(MaxScore("The client services team answers mortgage questions."), 0.3);
}

TEST_F(TopicTest, KoreanPersonNounsAnchorStatementsNotQuestions) {
  EXPECT_GE(Score("친구가 동성애자예요.", "sexual_orientation"), 0.85);
  EXPECT_LE(MaxScore("친구가 동성애자인지 어떻게 알 수 있나요?"), 0.3);
  EXPECT_GE(Score("형이 재판을 받아요.", "legal"), 0.85);
  EXPECT_LE(MaxScore("형사 재판 절차를 설명해 주세요."), 0.3);  // 형사 is not 형
  EXPECT_LE(MaxScore("엄마가 임신 중에 술을 마시면 아기에게 어떤 영향이 있나요?"), 0.3);
}

TEST_F(TopicTest, KoreanImplicitSubjectStatementsAreAboutTheSpeaker) {
  EXPECT_GE(Score("공황장애 진단을 받았어요.", "health"), 0.85);
  EXPECT_LE(MaxScore("공황장애 진단은 어떻게 받나요?"), 0.3);
  EXPECT_GE(Score("작년에 천주교 세례를 받았습니다.", "religion"), 0.85);
  // A sentence about the topic itself (은/는, 이란) is not about the speaker.
  EXPECT_LE(MaxScore("천주교는 조선 후기에 박해를 받았습니다."), 0.3);
  EXPECT_LE(MaxScore("당뇨병은 만성 질환인데 어떻게 관리하나요?"), 0.3);
  // "Can" and hearsay are not the speaker's situation.
  EXPECT_LE(MaxScore("당뇨 환자도 운동할 수 있어요."), 0.3);
  EXPECT_LE(MaxScore("우울증이 유전된다고 들었는데 사실인가요?"), 0.3);
  // A final ending in a question asks; a connective one sets up the speaker's case.
  EXPECT_LE(MaxScore("당뇨에 좋은 음식이 있어요?"), 0.3);
  EXPECT_GE(Score("당뇨가 있어서 못 먹는 음식이 많나요?", "health"), 0.85);
}

TEST_F(TopicTest, ASensitiveWordBeforeAGroupNounDescribesTheGroup) {
  EXPECT_LE(MaxScore("I'm a nurse and I treat cancer patients every day."), 0.3);
  EXPECT_LE(MaxScore("We run a support line for Muslim students."), 0.3);
  EXPECT_GE(Score("I am a cancer patient.", "health"), 0.85);
  // Korean: 당뇨 환자 are diabetes patients; 환자 alone in a statement is someone.
  EXPECT_LE(MaxScore("당뇨 환자도 운동할 수 있어요."), 0.3);
  EXPECT_GE(Score("환자가 당뇨병 때문에 입원 중이에요.", "health"), 0.85);
}

TEST_F(TopicTest, NeutralPhrasesCancelWhatTheyContain) {
  EXPECT_EQ(Score("Oh my god, the build failed again.", "religion"), 0.0);
  EXPECT_EQ(Score("He survived a cardiac arrest.", "legal"), 0.0);
  EXPECT_LE(MaxScore("우리 몸에서 인슐린은 어떤 역할을 하나요?"), 0.3);
  EXPECT_LE(MaxScore("I have five years of experience in income tax accounting."), 0.3);
  EXPECT_LE(MaxScore("30일 내 대출을 상환해야 하나요?"), 0.3);             // 내 is "within" here
  EXPECT_LE(MaxScore("어제 뉴스에서 대출 금리가 올랐다고 봤어요."), 0.3);  // hearsay
  // 씨 after a name is a person; 씨 in 날씨 (weather) is not.
  EXPECT_GE(Score("민수 씨는 불교 신자예요.", "religion"), 0.85);
  EXPECT_LE(MaxScore("날씨가 좋은 날에는 교회 바자회가 열려요."), 0.3);
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
