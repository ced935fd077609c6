// TopicDetector: sensitive-topic lexicons (English and Korean) matched in one linear pass, and
// scored by whether the text discloses the topic about an identifiable person.
//
// Matching. All lexicon terms, and the markers described below, go into one Aho-Corasick
// automaton over bytes (ASCII lower-cased on the fly; the alphabet is compressed to the bytes
// that occur in terms, so the transition table stays small). One pass over the text reports
// every occurrence of every term; each occurrence is then checked against its boundary rule:
//  - a term whose first (last) character is an ASCII letter or digit needs a word boundary
//    before (after) it: "pray" does not hit "spray", "gay" does not hit "Gaylord";
//  - kStem drops the right boundary ("antidepressant" also hits "antidepressants");
//  - kCase terms must match case exactly ("AIDS" the disease, not "aids" the verb);
//  - Korean terms match as substrings (Korean glues particles and compounds onto nouns:
//    "우울증이", "소아당뇨"), except kKoWordStart (must start a word), kKoWordEnd (must end
//    one) and kKoParticle (must be followed by a non-Hangul character or a particle: "빚이"
//    but not "빚어").
// An occurrence fully inside a longer occurrence of the same topic ("암" inside "암 진단")
// is dropped, and so is any term or marker inside a neutral phrase ("tell me", "oh my god",
// "우리나라", "날씨").
//
// Personal anchors. A topic occurrence is *anchored* when the same sentence ties it to an
// identifiable person:
//  - first person: I, me, my, mine, myself, we, our, ours (and "im"); 저는, 제가, 저도, 저의,
//    저한테, 저희, 나는, 내가, 나도, 나의, 난, 제, 내, 우리. The asker of a general question
//    is not an anchor: "tell me", "show me", "can I ask", "how do I", "how can I", "what
//    should I", "I wonder", "I'm curious", "I want to know", "I'm writing", "I think", "I heard",
//    "my essay", "our body", "our society", "can we", "우리나라", "우리 몸" are neutral. A
//    yes/no "can I" / "should I" / "do I" question is kept: it asks about the user's own case;
//  - a third-person pronoun (he, she, his, her, him, himself, herself) when a person noun
//    (husband, daughter, friend, boss, client, patient, ...) is within 150 bytes before it or
//    60 after it, in any sentence: "My mom is 70. She has dementia", "her son was arrested";
//  - a role or title followed by a capitalized name: "client Sarah", "patient John",
//    "tenant Lee", "Mr. Park", "uncle Bob"; a Korean name followed by 씨 ("민수 씨가");
//  - Korean person nouns (남편, 아내, 엄마, 아빠, 아들, 딸, 어머니, 아버지, 동생, 언니, 형,
//    누나, 오빠, 친구, 상사, 동료, 환자, 고객, ...) in a sentence that is not a question or
//    request (no '?', no 나요/까요/인가요/습니까/주세요 ending): "남편이 암 투병 중이라" is
//    about a husband, "당뇨 환자는 무엇을 먹어야 하나요?" is about patients in general. The
//    class nouns 환자, 고객, 직원, 자녀 right after a sensitive word name the class ("당뇨
//    환자도 운동할 수 있어요") and are not anchors;
//  - Korean statements with an implicit subject (Korean drops pronouns, so a plain statement
//    about one's own situation is the speaker's): within 60 bytes after the term, in the same
//    sentence, a past or progressive verb (a syllable with final ㅆ followed by 어, 습, 는데,
//    고, 지만 or 대: 받았어요, 했습니다, 됐는데, 있어요, 먹고 있는데), 중이라/중이에요/중인데,
//    the copula 인데/신데 ("임신 8주인데"), or a feeling (힘들어요, 걱정돼요, 막막해요).
//    Connective endings (있는데, 있어서, 했지만, 중이라, 인데) set up the speaker's situation
//    even in a question ("당뇨가 있는데 뭘 먹어야 하나요?"); final ones (받았어요, 있어요)
//    count only in a statement ("당뇨에 좋은 음식이 있어요?" asks).
//    "수 있어요" (can), "관심이 있어요", "궁금했어요", "들었는데" (hearsay) are neutral. A
//    sentence whose sensitive word carries the topic particle 은/는 or the defining 이란/란
//    ("당뇨병은 ...", "우울증이란 ...", "천주교는 박해를 받았습니다") is about the topic, not
//    the speaker: implicit-subject endings do not anchor it.
// An explicit anchor counts when it starts at most 100 bytes before the occurrence starts and
// at most 60 bytes after it ends (a marker inside the term, "my faith", counts too). A
// sensitive word right before a group noun ("cancer patients", "Muslim students") describes
// the group and is never anchored. Sentences end at . ? ! newline (and 。？！); a period
// after a single letter or Mr/Mrs/Ms/Dr/Prof/St/Jr/Sr/vs, or before a non-space, does not end one.
//
// Scoring, per topic t, with term weights w = 1.5 (strong: a diagnosis, "HIV", "bankruptcy",
// "convicted"), 0.7 (medium: "loan", "church", "arrest") or 0.25 (weak: "doctor", "taxes"):
//   raw_t = sum over distinct terms w + 0.25 * w * min(extra occurrences, 3)
//   a_t   = the largest w among anchored occurrences (0 when none is anchored)
//   score_t = 1 - 0.07 * exp(-(raw_t - a_t))     if a_t is strong   (>= 0.93)
//           = 1 - 0.10 * exp(-(raw_t - a_t))     if a_t is medium   (>= 0.90)
//           = 0.6 - 0.2 * exp(-(raw_t - a_t)/w)  if a_t is weak     (0.40 .. 0.60)
//           = 0.3 * (1 - exp(-raw_t))            if nothing is anchored (< 0.30)
// So the score reads "how likely this text discloses t about an identifiable person": a
// general question ("What are the symptoms of diabetes?", "우울증이란 무엇인가요?") stays
// below 0.3, a personal anchor with a medium or strong term reaches 0.9 (the classifier's
// 0.8 * 0.9 = 0.72 is PRIVATE), a personal anchor with only weak terms ("my doctor") gives
// 0.4 to 0.6 (SEMI_SENSITIVE). Topics scoring below kMinReport (0.1) are omitted; the rest
// are returned by descending score.
//
// Cost: one automaton pass, then a few sweeps over the occurrences (they arrive ordered by
// end; an insertion sort puts them in begin order in linear time because terms are short),
// and per occurrence a look at the anchors within a fixed window. Linear in the text.
//
// Known limits: these are lexical cues, not parsing. A hypothetical about someone ("what
// should a wife do if her husband has cancer?") reads as a disclosure; a third-person
// disclosure naming nobody ("the patient has diabetes", "Sarah is pregnant" without a role
// word) reads as general (the NER's PERSON span still makes it SEMI_SENSITIVE); Korean
// past-tense narration about others without 은/는 ("대출 금리가 올랐는데", news about
// politicians) reads as the speaker's own.
#include "privacy/recognizers/topics.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

// What a lexicon entry signals: one of the topics, or a marker used to anchor them.
enum Kind : uint8_t {
  kHealth,
  kFinance,
  kLegal,
  kReligion,
  kSexualOrientation,
  kPoliticalOpinion,
  kEthnicity,
  kTradeUnion,
  kBiometric,
  kGenetic,
  kTopicCount,
  kFirstPerson = kTopicCount,  // I, my, 제가, 우리: the speaker
  kThirdPerson,                // he, she, his, her: a person when a person noun is near
  kPersonNoun,                 // husband, friend, client: makes a nearby pronoun a person
  kGroupNoun,                  // patients, students: "cancer patients" is a group, not a case
  kNamedPerson,                // "client Sarah", "Mr. Park", "민수 씨": a named person
  kKoPerson,                   // 남편, 엄마, 친구, 환자: a specific person in a statement
  kSelfStatement,              // 받았어요, 있는데, 중이라: the speaker's own situation
  kQuestionEnd,                // 나요, 까요, 주세요: the sentence asks, it does not tell
  kSentenceEnd,                // . ? ! newline
  kNeutral,                    // cancels terms and markers inside it: "tell me", "우리나라"
};

constexpr const char* kTopicNames[kTopicCount] = {
    "health",    "finance",     "legal",     "religion", "sexual_orientation", "political_opinion",
    "ethnicity", "trade_union", "biometric", "genetic"};

enum TermFlags : uint16_t {
  kStem = 1,           // ASCII term: no word boundary needed after it
  kCase = 2,           // ASCII term: must match case exactly
  kKoWordStart = 4,    // must start a word
  kKoParticle = 8,     // must be followed by a non-Hangul character or a particle
  kKoWordEnd = 16,     // must be followed by a non-word character
  kNameAfter = 32,     // must be followed by a capitalized ASCII word ("client Sarah")
  kAfterPast = 64,     // must follow a Hangul syllable with final ㅆ (받았|어요, 있|는데)
  kAfterName = 128,    // must follow a Hangul word, maybe after one space (민수 씨)
  kKoKin = 256,        // must start a word and be followed by a non-Hangul character, a
                       // particle, or 한/께/님/들 (형이, 딸한테; not 형사, 딸기)
  kPeriod = 512,       // a '.' that ends a sentence (see IsSentencePeriod)
  kConnective = 1024,  // kSelfStatement: a connective ending, valid in questions too
  kClassNoun = 2048,   // kKoPerson: names a class too ("당뇨 환자" are diabetes patients)
};

constexpr float S = 1.5f;   // strong
constexpr float M = 0.7f;   // medium
constexpr float W = 0.25f;  // weak

struct TermSpec {
  const char* text;
  Kind kind;
  float weight;
  uint16_t flags;
};

// clang-format off
constexpr TermSpec kTerms[] = {
    // ---- health (English)
    {"diagnosed with", kHealth, S, 0}, {"diagnosis of", kHealth, S, 0},
    {"diagnosed", kHealth, M, 0}, {"cancer", kHealth, S, 0}, {"chemotherapy", kHealth, S, 0},
    {"chemo", kHealth, S, 0}, {"radiation therapy", kHealth, S, 0}, {"hiv", kHealth, S, 0},
    {"AIDS", kHealth, S, kCase}, {"diabetes", kHealth, S, 0}, {"diabetic", kHealth, S, 0},
    {"clinical depression", kHealth, S, 0}, {"major depressive", kHealth, S, 0},
    {"depression", kHealth, M, 0}, {"depressed", kHealth, M, 0},
    {"anxiety disorder", kHealth, S, 0}, {"anxiety", kHealth, M, 0},
    {"panic attack", kHealth, M, kStem}, {"panic disorder", kHealth, S, 0},
    {"bipolar", kHealth, S, 0}, {"schizophreni", kHealth, S, kStem}, {"ptsd", kHealth, S, 0},
    {"adhd", kHealth, M, 0}, {"autism", kHealth, M, 0}, {"autistic", kHealth, M, 0},
    {"ocd", kHealth, M, 0}, {"eating disorder", kHealth, S, 0}, {"anorexi", kHealth, S, kStem},
    {"bulimi", kHealth, S, kStem}, {"suicidal", kHealth, S, 0}, {"suicide", kHealth, M, 0},
    {"self-harm", kHealth, S, 0}, {"self harm", kHealth, S, 0},
    {"therapist", kHealth, M, 0}, {"psychiatrist", kHealth, M, 0},
    {"psychiatric", kHealth, M, 0}, {"therapy", kHealth, W, 0},
    {"antidepressant", kHealth, S, kStem}, {"prescribed", kHealth, M, 0},
    {"prescription", kHealth, M, kStem}, {"medication", kHealth, M, kStem},
    {"insulin", kHealth, M, 0}, {"pregnant", kHealth, S, 0}, {"pregnancy", kHealth, M, 0},
    {"miscarriage", kHealth, S, 0}, {"abortion", kHealth, S, 0}, {"ivf", kHealth, M, 0},
    {"infertility", kHealth, S, 0}, {"infertile", kHealth, S, 0},
    {"STD", kHealth, M, kCase}, {"STDs", kHealth, M, kCase}, {"STI", kHealth, M, kCase},
    {"herpes", kHealth, S, 0}, {"hepatitis", kHealth, S, 0}, {"chlamydia", kHealth, S, 0},
    {"gonorrhea", kHealth, S, 0}, {"syphilis", kHealth, S, 0}, {"tumor", kHealth, S, kStem},
    {"tumour", kHealth, S, kStem}, {"leukemia", kHealth, S, 0}, {"lymphoma", kHealth, S, 0},
    {"carcinoma", kHealth, S, 0}, {"melanoma", kHealth, S, 0}, {"surgery", kHealth, M, 0},
    {"hospitalized", kHealth, M, 0}, {"hospitalised", kHealth, M, 0},
    {"rehab", kHealth, M, 0}, {"addiction", kHealth, M, 0}, {"addicted", kHealth, M, 0},
    {"alcoholism", kHealth, S, 0}, {"alcoholic", kHealth, M, 0}, {"overdose", kHealth, M, 0},
    {"symptom", kHealth, W, kStem}, {"disease", kHealth, W, kStem}, {"illness", kHealth, M, 0},
    {"chronic pain", kHealth, M, 0}, {"asthma", kHealth, M, 0}, {"epilep", kHealth, S, kStem},
    {"seizure", kHealth, M, kStem}, {"heart attack", kHealth, M, 0},
    {"blood pressure", kHealth, W, 0}, {"hypertension", kHealth, M, 0},
    {"alzheimer", kHealth, S, kStem}, {"dementia", kHealth, S, 0},
    {"parkinson", kHealth, M, kStem}, {"multiple sclerosis", kHealth, S, 0},
    {"disability", kHealth, M, 0}, {"disabled", kHealth, W, 0}, {"doctor", kHealth, W, 0},
    {"hospital", kHealth, W, 0}, {"clinic", kHealth, W, 0}, {"medicine", kHealth, W, 0},
    {"mental health", kHealth, M, 0}, {"mental illness", kHealth, S, 0},
    {"prozac", kHealth, S, 0}, {"zoloft", kHealth, S, 0}, {"xanax", kHealth, S, 0},
    {"adderall", kHealth, M, 0}, {"lexapro", kHealth, S, 0}, {"sertraline", kHealth, S, 0},
    {"fluoxetine", kHealth, S, 0}, {"metformin", kHealth, S, 0}, {"ozempic", kHealth, M, 0},
    {"biopsy", kHealth, M, 0}, {"crohn", kHealth, S, kStem}, {"migraine", kHealth, M, kStem},
    {"insomnia", kHealth, M, 0}, {"obesity", kHealth, M, 0}, {"allerg", kHealth, W, kStem},
    // ---- health (Korean)
    {"우울증", kHealth, S, 0}, {"우울해", kHealth, M, 0}, {"당뇨", kHealth, S, 0},
    {"암 진단", kHealth, S, 0}, {"암진단", kHealth, S, 0}, {"항암", kHealth, S, 0},
    {"폐암", kHealth, S, 0}, {"위암", kHealth, S, 0}, {"간암", kHealth, S, 0},
    {"대장암", kHealth, S, 0}, {"유방암", kHealth, S, 0}, {"갑상선암", kHealth, S, 0},
    {"췌장암", kHealth, S, 0}, {"자궁경부암", kHealth, S, 0}, {"혈액암", kHealth, S, 0},
    {"말기암", kHealth, S, 0}, {"백혈병", kHealth, S, 0}, {"림프종", kHealth, S, 0},
    {"종양", kHealth, S, 0}, {"암", kHealth, M, kKoWordStart | kKoParticle},
    {"처방", kHealth, M, 0}, {"진단받", kHealth, S, 0}, {"진단을 받", kHealth, S, 0},
    {"진단", kHealth, W, 0}, {"공황장애", kHealth, S, 0}, {"공황", kHealth, M, 0},
    {"불안장애", kHealth, S, 0}, {"조울증", kHealth, S, 0}, {"양극성", kHealth, S, 0},
    {"조현병", kHealth, S, 0}, {"치매", kHealth, S, 0}, {"파킨슨", kHealth, S, 0},
    {"임신", kHealth, S, 0}, {"유산했", kHealth, S, 0}, {"낙태", kHealth, S, 0},
    {"난임", kHealth, S, 0}, {"불임", kHealth, S, 0}, {"시험관 시술", kHealth, S, 0},
    {"에이즈", kHealth, S, 0}, {"성병", kHealth, S, 0}, {"간염", kHealth, S, 0},
    {"헤르페스", kHealth, S, 0}, {"수술", kHealth, M, 0}, {"입원", kHealth, M, 0},
    {"퇴원", kHealth, M, 0}, {"정신과", kHealth, S, 0}, {"정신건강", kHealth, M, 0},
    {"상담치료", kHealth, M, 0}, {"심리상담", kHealth, M, 0}, {"약을 먹", kHealth, M, 0},
    {"복용", kHealth, M, 0}, {"증상", kHealth, W, 0}, {"통증", kHealth, M, 0},
    {"병원", kHealth, W, 0}, {"의사", kHealth, W, kKoWordStart | kKoParticle},
    {"자살", kHealth, S, 0}, {"자해", kHealth, S, 0}, {"섭식장애", kHealth, S, 0},
    {"거식증", kHealth, S, 0}, {"폭식증", kHealth, S, 0}, {"자폐", kHealth, S, 0},
    {"장애인", kHealth, M, 0}, {"장애 판정", kHealth, S, 0}, {"장애등급", kHealth, S, 0},
    {"고혈압", kHealth, M, 0}, {"뇌졸중", kHealth, S, 0}, {"심근경색", kHealth, S, 0},
    {"갑상선", kHealth, M, 0}, {"투병", kHealth, S, 0}, {"재활", kHealth, M, 0},
    {"중독", kHealth, M, 0}, {"알코올 중독", kHealth, S, 0}, {"알콜중독", kHealth, S, 0},
    {"인슐린", kHealth, M, 0}, {"항우울제", kHealth, S, 0}, {"수면제", kHealth, M, 0},
    {"신경안정제", kHealth, S, 0}, {"정신질환", kHealth, S, 0}, {"질환", kHealth, M, 0},
    {"질병", kHealth, M, 0}, {"천식", kHealth, M, 0}, {"뇌전증", kHealth, S, 0},
    {"아토피", kHealth, M, 0}, {"탈모", kHealth, W, 0},

    // ---- finance (English)
    {"debt", kFinance, M, kStem}, {"in debt", kFinance, S, 0}, {"loan", kFinance, M, kStem},
    {"mortgage", kFinance, M, kStem}, {"salary", kFinance, M, 0}, {"salaries", kFinance, M, 0},
    {"bankruptcy", kFinance, S, 0}, {"bankrupt", kFinance, S, 0},
    {"credit score", kFinance, S, 0}, {"credit report", kFinance, M, 0},
    {"tax return", kFinance, M, kStem}, {"taxes", kFinance, W, 0}, {"owe", kFinance, M, 0},
    {"owes", kFinance, M, 0}, {"owed", kFinance, M, 0}, {"overdue", kFinance, M, 0},
    {"foreclosure", kFinance, S, 0}, {"debt collector", kFinance, S, kStem},
    {"collection agency", kFinance, S, 0}, {"payday loan", kFinance, S, kStem},
    {"student loan", kFinance, M, kStem}, {"credit card debt", kFinance, S, 0},
    {"income", kFinance, M, 0}, {"net worth", kFinance, M, 0}, {"paycheck", kFinance, M, kStem},
    {"payslip", kFinance, M, kStem}, {"pay stub", kFinance, M, kStem},
    {"overdraft", kFinance, M, kStem}, {"repossess", kFinance, S, kStem},
    {"evicted", kFinance, M, 0}, {"eviction", kFinance, M, 0}, {"defaulted", kFinance, M, 0},
    {"insolvency", kFinance, S, 0}, {"insolvent", kFinance, S, 0},
    {"wage garnishment", kFinance, S, 0}, {"savings", kFinance, W, 0},
    {"inheritance", kFinance, M, 0}, {"alimony", kFinance, M, 0},
    {"child support", kFinance, M, 0}, {"unemployed", kFinance, M, 0},
    {"unemployment", kFinance, M, 0}, {"laid off", kFinance, M, 0},
    {"financial trouble", kFinance, S, 0}, {"can't afford", kFinance, M, 0},
    {"cannot afford", kFinance, M, 0},
    // ---- finance (Korean)
    {"대출", kFinance, M, 0}, {"빚", kFinance, M, kKoParticle}, {"빚더미", kFinance, S, 0},
    {"빚쟁이", kFinance, M, 0}, {"카드빚", kFinance, S, 0}, {"빚을 갚", kFinance, S, 0},
    {"파산", kFinance, S, 0}, {"개인회생", kFinance, S, 0}, {"회생 신청", kFinance, S, 0},
    {"신용불량", kFinance, S, 0}, {"신용점수", kFinance, S, 0}, {"신용등급", kFinance, M, 0},
    {"연봉", kFinance, M, 0}, {"월급", kFinance, M, 0}, {"급여", kFinance, M, 0},
    {"채무", kFinance, S, 0}, {"연체", kFinance, S, 0}, {"체납", kFinance, S, 0},
    {"압류", kFinance, S, 0}, {"세금", kFinance, W, 0}, {"소득", kFinance, W, 0},
    {"재산", kFinance, W, 0}, {"주택담보대출", kFinance, M, 0}, {"전세대출", kFinance, M, 0},
    {"학자금 대출", kFinance, M, 0}, {"사채", kFinance, S, 0}, {"대부업", kFinance, M, 0},
    {"마이너스 통장", kFinance, M, 0}, {"실직", kFinance, M, 0}, {"실업급여", kFinance, M, 0},
    {"해고", kFinance, M, 0},

    // ---- legal (English)
    {"arrested", kLegal, S, 0}, {"arrest", kLegal, M, 0}, {"lawsuit", kLegal, S, kStem},
    {"sued", kLegal, M, 0}, {"suing", kLegal, M, 0}, {"convicted", kLegal, S, 0},
    {"conviction", kLegal, S, kStem}, {"dui", kLegal, S, 0}, {"dwi", kLegal, S, 0},
    {"probation", kLegal, S, 0}, {"parole", kLegal, S, 0}, {"criminal record", kLegal, S, 0},
    {"felony", kLegal, S, 0}, {"felonies", kLegal, S, 0}, {"misdemeanor", kLegal, S, kStem},
    {"jail", kLegal, M, 0}, {"prison", kLegal, M, 0}, {"indicted", kLegal, S, 0},
    {"charged with", kLegal, M, 0}, {"court date", kLegal, M, 0},
    {"court hearing", kLegal, M, 0}, {"immigration status", kLegal, S, 0},
    {"undocumented immigrant", kLegal, S, kStem},
    {"undocumented", kLegal, W, 0}, {"deported", kLegal, S, 0}, {"deportation", kLegal, S, 0},
    {"overstayed", kLegal, S, 0}, {"visa status", kLegal, M, 0}, {"green card", kLegal, M, 0},
    {"asylum", kLegal, M, 0}, {"restraining order", kLegal, S, 0},
    {"custody battle", kLegal, S, 0}, {"divorce", kLegal, M, 0}, {"lawyer", kLegal, W, 0},
    {"attorney", kLegal, W, 0}, {"plea deal", kLegal, S, 0}, {"pleaded guilty", kLegal, S, 0},
    {"warrant", kLegal, M, 0}, {"bail", kLegal, M, 0}, {"sentenced", kLegal, M, 0},
    {"criminal charges", kLegal, S, 0}, {"sex offender", kLegal, S, 0},
    {"expunge", kLegal, S, kStem},
    // ---- legal (Korean)
    {"체포", kLegal, S, 0}, {"소송", kLegal, S, 0}, {"고소당", kLegal, S, 0},
    {"고소했", kLegal, M, 0}, {"고소장", kLegal, S, 0}, {"고발", kLegal, M, 0},
    {"전과", kLegal, M, kKoWordStart | kKoParticle}, {"전과자", kLegal, S, 0},
    {"전과 기록", kLegal, S, 0}, {"구속", kLegal, S, 0}, {"기소", kLegal, S, 0},
    {"벌금", kLegal, M, 0}, {"음주운전", kLegal, S, 0}, {"집행유예", kLegal, S, 0},
    {"보호관찰", kLegal, S, 0}, {"징역", kLegal, S, 0}, {"실형", kLegal, S, 0},
    {"불법체류", kLegal, S, 0}, {"강제추방", kLegal, S, 0}, {"추방", kLegal, M, 0},
    {"재판", kLegal, M, 0}, {"피고인", kLegal, S, 0}, {"피의자", kLegal, S, 0},
    {"변호사", kLegal, W, 0}, {"이혼", kLegal, M, 0}, {"이혼소송", kLegal, S, 0},
    {"양육권", kLegal, M, 0}, {"경찰 조사", kLegal, M, 0}, {"수감", kLegal, S, 0},
    {"교도소", kLegal, M, 0}, {"범죄", kLegal, M, 0}, {"접근금지", kLegal, S, 0},
    {"합의금", kLegal, M, 0},

    // ---- religion (English)
    {"church", kReligion, M, 0}, {"mosque", kReligion, M, 0}, {"synagogue", kReligion, M, 0},
    {"temple", kReligion, W, 0}, {"pray", kReligion, M, kStem}, {"bible", kReligion, M, 0},
    {"quran", kReligion, M, 0}, {"koran", kReligion, M, 0}, {"torah", kReligion, M, 0},
    {"christian", kReligion, M, kStem}, {"catholic", kReligion, M, kStem},
    {"protestant", kReligion, M, 0}, {"muslim", kReligion, M, 0}, {"islam", kReligion, M, kStem},
    {"jewish", kReligion, M, 0}, {"judaism", kReligion, M, 0}, {"hindu", kReligion, M, kStem},
    {"buddhist", kReligion, M, 0}, {"buddhism", kReligion, M, 0}, {"atheist", kReligion, M, 0},
    {"agnostic", kReligion, M, 0}, {"baptized", kReligion, M, 0}, {"baptised", kReligion, M, 0},
    {"born again", kReligion, M, 0}, {"my faith", kReligion, S, 0},
    {"religious", kReligion, W, 0}, {"religion", kReligion, W, 0},
    {"jehovah", kReligion, M, kStem}, {"mormon", kReligion, M, 0},
    {"evangelical", kReligion, M, 0}, {"ramadan", kReligion, M, 0}, {"sabbath", kReligion, M, 0},
    {"hijab", kReligion, M, 0}, {"worship", kReligion, W, kStem}, {"god", kReligion, W, 0},
    {"allah", kReligion, M, 0}, {"bar mitzvah", kReligion, M, 0}, {"sikh", kReligion, M, 0},
    {"scientolog", kReligion, M, kStem}, {"kosher", kReligion, M, 0},
    {"halal", kReligion, M, 0},
    // ---- religion (Korean)
    {"교회", kReligion, M, 0}, {"성당", kReligion, M, 0}, {"절에", kReligion, M, kKoWordStart},
    {"사찰", kReligion, W, 0}, {"불교", kReligion, M, 0}, {"기독교", kReligion, M, 0},
    {"천주교", kReligion, M, 0}, {"개신교", kReligion, M, 0}, {"이슬람", kReligion, M, 0},
    {"무슬림", kReligion, M, 0}, {"유대교", kReligion, M, 0}, {"힌두교", kReligion, M, 0},
    {"신앙", kReligion, M, 0}, {"기도했", kReligion, M, 0}, {"기도해", kReligion, M, 0},
    {"기도를", kReligion, M, 0}, {"예배", kReligion, M, 0}, {"세례", kReligion, M, 0},
    {"목사", kReligion, W, 0}, {"신부님", kReligion, W, 0}, {"스님", kReligion, W, 0},
    {"종교", kReligion, W, 0}, {"무신론", kReligion, M, 0}, {"신천지", kReligion, M, 0},
    {"성경", kReligion, M, 0}, {"불자", kReligion, M, kKoWordStart}, {"하나님", kReligion, M, 0},
    {"부처님", kReligion, M, 0},

    // ---- sexual orientation and gender identity (English)
    {"gay", kSexualOrientation, S, 0}, {"lesbian", kSexualOrientation, S, 0},
    {"bisexual", kSexualOrientation, S, 0}, {"homosexual", kSexualOrientation, S, 0},
    {"queer", kSexualOrientation, M, 0}, {"transgender", kSexualOrientation, S, 0},
    {"trans woman", kSexualOrientation, S, 0}, {"trans man", kSexualOrientation, S, 0},
    {"nonbinary", kSexualOrientation, S, 0}, {"non-binary", kSexualOrientation, S, 0},
    {"lgbt", kSexualOrientation, M, kStem}, {"coming out", kSexualOrientation, M, 0},
    {"came out", kSexualOrientation, M, 0}, {"same-sex", kSexualOrientation, M, 0},
    {"same sex", kSexualOrientation, M, 0}, {"sexual orientation", kSexualOrientation, M, 0},
    {"gender identity", kSexualOrientation, M, 0},
    {"gender dysphoria", kSexualOrientation, S, 0}, {"asexual", kSexualOrientation, M, 0},
    {"pansexual", kSexualOrientation, S, 0}, {"transitioning", kSexualOrientation, M, 0},
    {"closeted", kSexualOrientation, M, 0}, {"in the closet", kSexualOrientation, M, 0},
    // ---- sexual orientation and gender identity (Korean)
    {"동성애", kSexualOrientation, S, 0}, {"동성연애", kSexualOrientation, S, 0},
    {"성소수자", kSexualOrientation, S, 0}, {"게이", kSexualOrientation, S, kKoParticle},
    {"레즈비언", kSexualOrientation, S, 0}, {"양성애", kSexualOrientation, S, 0},
    {"트랜스젠더", kSexualOrientation, S, 0}, {"성전환", kSexualOrientation, S, 0},
    {"커밍아웃", kSexualOrientation, S, 0}, {"퀴어", kSexualOrientation, M, 0},
    {"성정체성", kSexualOrientation, M, 0}, {"성 정체성", kSexualOrientation, M, 0},
    {"성적 지향", kSexualOrientation, M, 0}, {"성적지향", kSexualOrientation, M, 0},
    {"동성 커플", kSexualOrientation, S, 0}, {"동성결혼", kSexualOrientation, M, 0},
    {"동성 결혼", kSexualOrientation, M, 0}, {"무성애", kSexualOrientation, M, 0},
    {"논바이너리", kSexualOrientation, S, 0},

    // ---- political opinion (English)
    {"political views", kPoliticalOpinion, M, 0}, {"political opinion", kPoliticalOpinion, M, kStem},
    {"politics", kPoliticalOpinion, W, 0}, {"voted for", kPoliticalOpinion, M, 0},
    {"vote for", kPoliticalOpinion, W, 0}, {"democrat", kPoliticalOpinion, M, kStem},
    {"republican", kPoliticalOpinion, M, kStem}, {"liberal", kPoliticalOpinion, W, 0},
    {"conservative", kPoliticalOpinion, W, 0}, {"socialist", kPoliticalOpinion, M, 0},
    {"communist", kPoliticalOpinion, M, 0}, {"libertarian", kPoliticalOpinion, M, 0},
    {"far-right", kPoliticalOpinion, M, 0}, {"far-left", kPoliticalOpinion, M, 0},
    {"far right", kPoliticalOpinion, M, 0}, {"far left", kPoliticalOpinion, M, 0},
    {"left-wing", kPoliticalOpinion, M, 0}, {"right-wing", kPoliticalOpinion, M, 0},
    {"labour party", kPoliticalOpinion, M, 0}, {"labor party", kPoliticalOpinion, M, 0},
    {"tory", kPoliticalOpinion, M, 0}, {"tories", kPoliticalOpinion, M, 0},
    {"party member", kPoliticalOpinion, M, 0}, {"political party", kPoliticalOpinion, M, 0},
    {"maga", kPoliticalOpinion, M, 0}, {"antifa", kPoliticalOpinion, M, 0},
    {"green party", kPoliticalOpinion, M, 0}, {"activist", kPoliticalOpinion, W, 0},
    {"protest", kPoliticalOpinion, W, kStem},
    // ---- political opinion (Korean)
    {"지지하는 정당", kPoliticalOpinion, S, 0}, {"정당", kPoliticalOpinion, M, kKoParticle},
    {"정당 지지", kPoliticalOpinion, S, 0}, {"정당에 가입", kPoliticalOpinion, S, 0},
    {"당원", kPoliticalOpinion, M, kKoWordStart}, {"민주당", kPoliticalOpinion, M, 0},
    {"국민의힘", kPoliticalOpinion, M, 0}, {"정의당", kPoliticalOpinion, M, 0},
    {"진보당", kPoliticalOpinion, M, 0}, {"국민의당", kPoliticalOpinion, M, 0},
    {"개혁신당", kPoliticalOpinion, M, 0}, {"조국혁신당", kPoliticalOpinion, M, 0},
    {"투표했", kPoliticalOpinion, M, 0}, {"정치 성향", kPoliticalOpinion, S, 0},
    {"정치적 성향", kPoliticalOpinion, S, 0}, {"진보 성향", kPoliticalOpinion, M, 0},
    {"보수 성향", kPoliticalOpinion, M, 0}, {"좌파", kPoliticalOpinion, M, 0},
    {"우파", kPoliticalOpinion, M, 0}, {"촛불집회", kPoliticalOpinion, M, 0},
    {"태극기 집회", kPoliticalOpinion, M, 0}, {"탄핵 찬성", kPoliticalOpinion, M, 0},
    {"탄핵 반대", kPoliticalOpinion, M, 0}, {"지지자", kPoliticalOpinion, M, 0},
    {"극우", kPoliticalOpinion, M, 0}, {"극좌", kPoliticalOpinion, M, 0},

    // ---- racial or ethnic origin (English)
    {"ethnicity", kEthnicity, M, 0}, {"ethnic", kEthnicity, M, 0}, {"racial", kEthnicity, M, 0},
    {"my race", kEthnicity, S, 0}, {"african american", kEthnicity, M, 0},
    {"black american", kEthnicity, M, 0}, {"hispanic", kEthnicity, M, 0},
    {"latino", kEthnicity, M, 0}, {"latina", kEthnicity, M, 0}, {"latinx", kEthnicity, M, 0},
    {"asian american", kEthnicity, M, 0}, {"caucasian", kEthnicity, M, 0},
    {"native american", kEthnicity, M, 0}, {"indigenous", kEthnicity, M, 0},
    {"aboriginal", kEthnicity, M, 0}, {"mixed race", kEthnicity, M, 0},
    {"mixed-race", kEthnicity, M, 0}, {"biracial", kEthnicity, M, 0},
    {"immigrant", kEthnicity, W, kStem}, {"refugee", kEthnicity, M, kStem},
    {"first nations", kEthnicity, M, 0}, {"pacific islander", kEthnicity, M, 0},
    {"jewish", kEthnicity, W, 0},
    // ---- racial or ethnic origin (Korean)
    {"인종", kEthnicity, M, 0}, {"민족", kEthnicity, W, 0}, {"다문화", kEthnicity, M, 0},
    {"혼혈", kEthnicity, M, 0}, {"조선족", kEthnicity, M, 0}, {"탈북", kEthnicity, M, 0},
    {"새터민", kEthnicity, M, 0}, {"고려인", kEthnicity, M, 0}, {"흑인", kEthnicity, M, 0},
    {"백인", kEthnicity, M, 0}, {"이주민", kEthnicity, M, 0}, {"난민", kEthnicity, M, 0},

    // ---- trade union membership
    {"trade union", kTradeUnion, M, 0}, {"labor union", kTradeUnion, M, 0},
    {"labour union", kTradeUnion, M, 0}, {"union member", kTradeUnion, S, kStem},
    {"union dues", kTradeUnion, M, 0}, {"union rep", kTradeUnion, M, 0},
    {"shop steward", kTradeUnion, M, 0}, {"collective bargaining", kTradeUnion, M, 0},
    {"unioniz", kTradeUnion, M, kStem}, {"unionis", kTradeUnion, M, kStem},
    {"teamsters", kTradeUnion, M, 0}, {"on strike", kTradeUnion, M, 0},
    {"picket line", kTradeUnion, M, 0},
    {"노동조합", kTradeUnion, M, 0}, {"노조", kTradeUnion, M, 0}, {"노조원", kTradeUnion, S, 0},
    {"노조 가입", kTradeUnion, S, 0}, {"민주노총", kTradeUnion, M, 0},
    {"한국노총", kTradeUnion, M, 0}, {"단체교섭", kTradeUnion, M, 0},
    {"조합원", kTradeUnion, M, 0}, {"파업", kTradeUnion, W, 0},

    // ---- biometric data
    {"fingerprint", kBiometric, M, kStem}, {"facial recognition", kBiometric, M, 0},
    {"face scan", kBiometric, M, kStem}, {"retina scan", kBiometric, M, kStem},
    {"iris scan", kBiometric, M, kStem}, {"voiceprint", kBiometric, M, kStem},
    {"palm print", kBiometric, M, kStem}, {"biometric", kBiometric, M, kStem},
    {"지문 인식", kBiometric, M, 0}, {"지문인식", kBiometric, M, 0}, {"지문", kBiometric, W, 0},
    {"홍채", kBiometric, M, 0}, {"안면인식", kBiometric, M, 0}, {"얼굴 인식", kBiometric, M, 0},
    {"생체 정보", kBiometric, M, 0}, {"생체정보", kBiometric, M, 0},
    {"정맥 인식", kBiometric, M, 0},

    // ---- genetic data
    {"dna test", kGenetic, M, kStem}, {"genetic test", kGenetic, M, kStem},
    {"brca", kGenetic, S, kStem}, {"genome", kGenetic, M, 0}, {"23andme", kGenetic, M, 0},
    {"ancestrydna", kGenetic, M, 0}, {"genetic disorder", kGenetic, S, kStem},
    {"hereditary", kGenetic, M, 0}, {"유전자 검사", kGenetic, M, 0},
    {"유전자검사", kGenetic, M, 0}, {"dna 검사", kGenetic, M, 0}, {"유전체", kGenetic, M, 0},
    {"유전병", kGenetic, S, 0}, {"가족력", kGenetic, M, 0},

    // ==== markers (weight unused) ====
    // ---- first person
    {"i", kFirstPerson, 0, 0}, {"im", kFirstPerson, 0, 0}, {"me", kFirstPerson, 0, 0},
    {"my", kFirstPerson, 0, 0}, {"mine", kFirstPerson, 0, 0}, {"myself", kFirstPerson, 0, 0},
    {"we", kFirstPerson, 0, 0}, {"our", kFirstPerson, 0, 0}, {"ours", kFirstPerson, 0, 0},
    {"ourselves", kFirstPerson, 0, 0},
    {"저는", kFirstPerson, 0, kKoWordStart}, {"제가", kFirstPerson, 0, kKoWordStart},
    {"저도", kFirstPerson, 0, kKoWordStart}, {"저의", kFirstPerson, 0, kKoWordStart},
    {"저한테", kFirstPerson, 0, kKoWordStart}, {"저희", kFirstPerson, 0, kKoWordStart},
    {"나는", kFirstPerson, 0, kKoWordStart}, {"내가", kFirstPerson, 0, kKoWordStart},
    {"나도", kFirstPerson, 0, kKoWordStart}, {"나의", kFirstPerson, 0, kKoWordStart},
    {"우리", kFirstPerson, 0, kKoWordStart},
    {"난", kFirstPerson, 0, kKoWordStart | kKoWordEnd},
    {"제", kFirstPerson, 0, kKoWordStart | kKoWordEnd},
    {"내", kFirstPerson, 0, kKoWordStart | kKoWordEnd},
    // ---- the asker of a general question, and set phrases: neutral
    {"tell me", kNeutral, 0, 0}, {"tell us", kNeutral, 0, 0}, {"show me", kNeutral, 0, 0},
    {"give me", kNeutral, 0, 0}, {"explain to me", kNeutral, 0, 0},
    {"help me understand", kNeutral, 0, 0}, {"teach me", kNeutral, 0, 0},
    {"remind me", kNeutral, 0, 0}, {"let me know", kNeutral, 0, 0},
    {"can i ask", kNeutral, 0, 0}, {"may i ask", kNeutral, 0, 0}, {"could i ask", kNeutral, 0, 0},
    {"how do i", kNeutral, 0, 0}, {"how can i", kNeutral, 0, 0}, {"how should i", kNeutral, 0, 0},
    {"how would i", kNeutral, 0, 0}, {"how could i", kNeutral, 0, 0},
    {"where do i", kNeutral, 0, 0}, {"where can i", kNeutral, 0, 0},
    {"where should i", kNeutral, 0, 0}, {"what do i", kNeutral, 0, 0},
    {"what should i", kNeutral, 0, 0}, {"what can i", kNeutral, 0, 0},
    {"how do we", kNeutral, 0, 0}, {"how can we", kNeutral, 0, 0}, {"can we", kNeutral, 0, 0},
    {"should we", kNeutral, 0, 0}, {"do we", kNeutral, 0, 0}, {"we know", kNeutral, 0, 0},
    {"we all", kNeutral, 0, 0}, {"we humans", kNeutral, 0, 0},
    {"i wonder", kNeutral, 0, 0}, {"i was wondering", kNeutral, 0, 0},
    {"i'm wondering", kNeutral, 0, 0}, {"i'm curious", kNeutral, 0, 0},
    {"i am curious", kNeutral, 0, 0}, {"i'm interested in", kNeutral, 0, 0},
    {"i am interested in", kNeutral, 0, 0}, {"i want to know", kNeutral, 0, 0},
    {"i want to learn", kNeutral, 0, 0}, {"i want to understand", kNeutral, 0, 0},
    {"i'd like to know", kNeutral, 0, 0}, {"i'd like to learn", kNeutral, 0, 0},
    {"i'd like to understand", kNeutral, 0, 0}, {"i would like to know", kNeutral, 0, 0},
    {"i would like to learn", kNeutral, 0, 0}, {"i need to know", kNeutral, 0, 0},
    {"i have a question", kNeutral, 0, 0}, {"i've got a question", kNeutral, 0, 0},
    {"i'm writing", kNeutral, 0, 0}, {"i am writing", kNeutral, 0, 0},
    {"i'm researching", kNeutral, 0, 0}, {"i am researching", kNeutral, 0, 0},
    {"i'm studying", kNeutral, 0, 0}, {"i am studying", kNeutral, 0, 0},
    {"i'm reading", kNeutral, 0, 0}, {"i am reading", kNeutral, 0, 0},
    {"i'm learning about", kNeutral, 0, 0}, {"i think", kNeutral, 0, 0},
    {"i believe", kNeutral, 0, 0}, {"i heard", kNeutral, 0, 0}, {"i've heard", kNeutral, 0, 0},
    {"i read", kNeutral, 0, 0}, {"i've read", kNeutral, 0, 0},
    {"my essay", kNeutral, 0, 0}, {"my paper", kNeutral, 0, 0}, {"my homework", kNeutral, 0, 0},
    {"my assignment", kNeutral, 0, 0}, {"my research", kNeutral, 0, 0},
    {"my thesis", kNeutral, 0, 0}, {"my report", kNeutral, 0, 0},
    {"my presentation", kNeutral, 0, 0}, {"my article", kNeutral, 0, 0},
    {"my class", kNeutral, 0, 0}, {"my course", kNeutral, 0, 0}, {"my project", kNeutral, 0, 0},
    {"my blog", kNeutral, 0, 0}, {"my question", kNeutral, 0, 0},
    {"my understanding", kNeutral, 0, 0},
    {"our body", kNeutral, 0, 0}, {"our bodies", kNeutral, 0, 0}, {"our brain", kNeutral, 0, 0},
    {"our immune", kNeutral, 0, 0}, {"our society", kNeutral, 0, 0},
    {"our country", kNeutral, 0, 0}, {"our world", kNeutral, 0, 0},
    {"our planet", kNeutral, 0, 0}, {"our species", kNeutral, 0, 0},
    {"our ancestors", kNeutral, 0, 0}, {"our economy", kNeutral, 0, 0},
    {"our culture", kNeutral, 0, 0}, {"our history", kNeutral, 0, 0},
    {"our understanding", kNeutral, 0, 0},
    {"oh my god", kNeutral, 0, 0}, {"my god", kNeutral, 0, 0}, {"thank god", kNeutral, 0, 0},
    {"god knows", kNeutral, 0, 0}, {"for god's sake", kNeutral, 0, 0},
    {"cardiac arrest", kNeutral, 0, 0}, {"bail out", kNeutral, 0, 0},
    {"income tax", kNeutral, 0, 0},
    {"i owe you", kNeutral, 0, 0}, {"type i", kNeutral, 0, 0}, {"stage i", kNeutral, 0, 0},
    {"phase i", kNeutral, 0, 0}, {"grade i", kNeutral, 0, 0}, {"class i", kNeutral, 0, 0},
    {"war i", kNeutral, 0, 0}, {"part i", kNeutral, 0, 0}, {"chapter i", kNeutral, 0, 0},
    {"우리나라", kNeutral, 0, 0}, {"우리 나라", kNeutral, 0, 0}, {"우리말", kNeutral, 0, 0},
    {"우리 몸", kNeutral, 0, 0}, {"우리 사회", kNeutral, 0, 0}, {"우리 국민", kNeutral, 0, 0},
    {"우리 민족", kNeutral, 0, 0}, {"우리 역사", kNeutral, 0, 0},
    {"일 내", kNeutral, 0, 0}, {"주 내", kNeutral, 0, 0}, {"달 내", kNeutral, 0, 0},
    {"개월 내", kNeutral, 0, 0}, {"년 내", kNeutral, 0, 0}, {"시간 내", kNeutral, 0, 0},
    {"기간 내", kNeutral, 0, 0}, {"기한 내", kNeutral, 0, 0}, {"범위 내", kNeutral, 0, 0},
    {"날씨", kNeutral, 0, 0}, {"글씨", kNeutral, 0, 0}, {"솜씨", kNeutral, 0, 0},
    {"말씨", kNeutral, 0, 0}, {"마음씨", kNeutral, 0, 0},
    // ---- third person, and the person nouns that make it someone in particular
    {"he", kThirdPerson, 0, 0}, {"she", kThirdPerson, 0, 0}, {"his", kThirdPerson, 0, 0},
    {"her", kThirdPerson, 0, 0}, {"him", kThirdPerson, 0, 0}, {"hers", kThirdPerson, 0, 0},
    {"himself", kThirdPerson, 0, 0}, {"herself", kThirdPerson, 0, 0},
    {"husband", kPersonNoun, 0, 0}, {"wife", kPersonNoun, 0, 0}, {"son", kPersonNoun, 0, 0},
    {"sons", kPersonNoun, 0, 0}, {"daughter", kPersonNoun, 0, kStem},
    {"mom", kPersonNoun, 0, 0}, {"mum", kPersonNoun, 0, 0}, {"mother", kPersonNoun, 0, 0},
    {"dad", kPersonNoun, 0, 0}, {"father", kPersonNoun, 0, 0}, {"brother", kPersonNoun, 0, kStem},
    {"sister", kPersonNoun, 0, kStem}, {"sibling", kPersonNoun, 0, kStem},
    {"parent", kPersonNoun, 0, kStem}, {"partner", kPersonNoun, 0, kStem},
    {"boyfriend", kPersonNoun, 0, 0}, {"girlfriend", kPersonNoun, 0, 0},
    {"fiance", kPersonNoun, 0, kStem}, {"fiancé", kPersonNoun, 0, kStem},
    {"spouse", kPersonNoun, 0, 0}, {"friend", kPersonNoun, 0, kStem}, {"boss", kPersonNoun, 0, 0},
    {"manager", kPersonNoun, 0, 0}, {"client", kPersonNoun, 0, kStem},
    {"patient", kPersonNoun, 0, kStem}, {"customer", kPersonNoun, 0, kStem},
    {"employee", kPersonNoun, 0, kStem}, {"tenant", kPersonNoun, 0, kStem},
    {"coworker", kPersonNoun, 0, kStem}, {"co-worker", kPersonNoun, 0, kStem},
    {"colleague", kPersonNoun, 0, kStem}, {"neighbor", kPersonNoun, 0, kStem},
    {"neighbour", kPersonNoun, 0, kStem}, {"roommate", kPersonNoun, 0, kStem},
    {"uncle", kPersonNoun, 0, 0}, {"aunt", kPersonNoun, 0, 0}, {"cousin", kPersonNoun, 0, kStem},
    {"nephew", kPersonNoun, 0, 0}, {"niece", kPersonNoun, 0, 0},
    {"grandmother", kPersonNoun, 0, 0}, {"grandfather", kPersonNoun, 0, 0},
    {"grandma", kPersonNoun, 0, 0}, {"grandpa", kPersonNoun, 0, 0}, {"kid", kPersonNoun, 0, 0},
    {"kids", kPersonNoun, 0, 0}, {"child", kPersonNoun, 0, 0}, {"children", kPersonNoun, 0, 0},
    {"baby", kPersonNoun, 0, 0}, {"student", kPersonNoun, 0, kStem},
    {"teacher", kPersonNoun, 0, kStem},
    // A sensitive word right before a group noun describes the group ("cancer patients",
    // "Muslim students"), even in a first-person sentence ("I treat cancer patients").
    {"patients", kGroupNoun, 0, 0}, {"clients", kGroupNoun, 0, 0},
    {"customers", kGroupNoun, 0, 0}, {"employees", kGroupNoun, 0, 0},
    {"students", kGroupNoun, 0, 0}, {"people", kGroupNoun, 0, 0}, {"women", kGroupNoun, 0, 0},
    {"men", kGroupNoun, 0, 0}, {"users", kGroupNoun, 0, 0}, {"survivors", kGroupNoun, 0, 0},
    {"sufferers", kGroupNoun, 0, 0}, {"families", kGroupNoun, 0, 0},
    {"communities", kGroupNoun, 0, 0}, {"voters", kGroupNoun, 0, 0},
    {"children", kGroupNoun, 0, 0}, {"kids", kGroupNoun, 0, 0},
    // ---- a role or title before a capitalized name; a Korean name before 씨
    {"client ", kNamedPerson, 0, kNameAfter}, {"patient ", kNamedPerson, 0, kNameAfter},
    {"employee ", kNamedPerson, 0, kNameAfter}, {"tenant ", kNamedPerson, 0, kNameAfter},
    {"customer ", kNamedPerson, 0, kNameAfter}, {"student ", kNamedPerson, 0, kNameAfter},
    {"colleague ", kNamedPerson, 0, kNameAfter}, {"coworker ", kNamedPerson, 0, kNameAfter},
    {"neighbor ", kNamedPerson, 0, kNameAfter}, {"applicant ", kNamedPerson, 0, kNameAfter},
    {"uncle ", kNamedPerson, 0, kNameAfter}, {"aunt ", kNamedPerson, 0, kNameAfter},
    {"cousin ", kNamedPerson, 0, kNameAfter}, {"mr ", kNamedPerson, 0, kNameAfter},
    {"mrs ", kNamedPerson, 0, kNameAfter}, {"ms ", kNamedPerson, 0, kNameAfter},
    {"mr. ", kNamedPerson, 0, kNameAfter}, {"mrs. ", kNamedPerson, 0, kNameAfter},
    {"ms. ", kNamedPerson, 0, kNameAfter},
    {"씨", kNamedPerson, 0, kAfterName | kKoParticle},
    // ---- Korean person nouns (anchors in statements)
    {"남편", kKoPerson, 0, 0}, {"아내", kKoPerson, 0, 0}, {"와이프", kKoPerson, 0, 0},
    {"엄마", kKoPerson, 0, 0}, {"아빠", kKoPerson, 0, 0}, {"어머니", kKoPerson, 0, 0},
    {"아버지", kKoPerson, 0, 0}, {"어머님", kKoPerson, 0, 0}, {"아버님", kKoPerson, 0, 0},
    {"부모님", kKoPerson, 0, 0}, {"동생", kKoPerson, 0, 0}, {"언니", kKoPerson, 0, 0},
    {"누나", kKoPerson, 0, 0}, {"오빠", kKoPerson, 0, 0}, {"형", kKoPerson, 0, kKoKin},
    {"딸", kKoPerson, 0, kKoKin}, {"딸아이", kKoPerson, 0, 0}, {"아들", kKoPerson, 0, kKoKin},
    {"할머니", kKoPerson, 0, 0}, {"할아버지", kKoPerson, 0, 0}, {"장모님", kKoPerson, 0, 0},
    {"장인어른", kKoPerson, 0, 0}, {"남자친구", kKoPerson, 0, 0}, {"여자친구", kKoPerson, 0, 0},
    {"남친", kKoPerson, 0, 0}, {"여친", kKoPerson, 0, 0}, {"애인", kKoPerson, 0, 0},
    {"약혼자", kKoPerson, 0, 0}, {"배우자", kKoPerson, 0, 0}, {"조카", kKoPerson, 0, 0},
    {"삼촌", kKoPerson, 0, 0}, {"이모", kKoPerson, 0, kKoKin}, {"고모", kKoPerson, 0, kKoKin},
    {"사촌", kKoPerson, 0, 0}, {"며느리", kKoPerson, 0, 0}, {"사위", kKoPerson, 0, kKoKin},
    {"손자", kKoPerson, 0, 0}, {"손녀", kKoPerson, 0, 0}, {"자녀", kKoPerson, 0, kClassNoun},
    {"친구", kKoPerson, 0, 0}, {"상사", kKoPerson, 0, kKoKin}, {"동료", kKoPerson, 0, 0},
    {"지인", kKoPerson, 0, 0}, {"선배", kKoPerson, 0, 0}, {"후배", kKoPerson, 0, 0},
    {"환자", kKoPerson, 0, kClassNoun}, {"고객", kKoPerson, 0, kClassNoun},
    {"직원", kKoPerson, 0, kClassNoun},
    {"팀장님", kKoPerson, 0, 0}, {"사장님", kKoPerson, 0, 0},
    // ---- Korean statements about oneself (implicit subject)
    // Connective endings ("있는데 ...", "있어서 ...") set up the speaker's situation even in a
    // question; final ones ("받았어요", "있어요?") only in a statement.
    {"어서", kSelfStatement, 0, kAfterPast | kConnective},
    {"는데", kSelfStatement, 0, kAfterPast | kConnective},
    {"고", kSelfStatement, 0, kAfterPast | kConnective},
    {"지만", kSelfStatement, 0, kAfterPast | kConnective},
    {"어", kSelfStatement, 0, kAfterPast}, {"습", kSelfStatement, 0, kAfterPast},
    {"대", kSelfStatement, 0, kAfterPast},
    {"중이라", kSelfStatement, 0, kConnective}, {"중인데", kSelfStatement, 0, kConnective},
    {"중이고", kSelfStatement, 0, kConnective}, {"중이어서", kSelfStatement, 0, kConnective},
    {"인데", kSelfStatement, 0, kConnective}, {"신데", kSelfStatement, 0, kConnective},
    {"중이에요", kSelfStatement, 0, 0}, {"중이야", kSelfStatement, 0, 0},
    {"중입니", kSelfStatement, 0, 0}, {"중이거든", kSelfStatement, 0, 0},
    {"힘들어", kSelfStatement, 0, 0}, {"힘듭니", kSelfStatement, 0, 0},
    {"힘드네", kSelfStatement, 0, 0}, {"걱정돼", kSelfStatement, 0, 0},
    {"걱정됩니", kSelfStatement, 0, 0}, {"걱정이에", kSelfStatement, 0, 0},
    {"걱정입니", kSelfStatement, 0, 0}, {"고민이에", kSelfStatement, 0, 0},
    {"고민입니", kSelfStatement, 0, 0}, {"막막해", kSelfStatement, 0, 0},
    {"막막합니", kSelfStatement, 0, 0}, {"무서워", kSelfStatement, 0, 0},
    {"불안해", kSelfStatement, 0, 0}, {"괴로워", kSelfStatement, 0, 0},
    {"두려워", kSelfStatement, 0, 0}, {"속상해", kSelfStatement, 0, 0},
    {"창피해", kSelfStatement, 0, 0},
    // ---- Korean question and request endings
    {"나요", kQuestionEnd, 0, kKoWordEnd}, {"까요", kQuestionEnd, 0, kKoWordEnd},
    {"인가요", kQuestionEnd, 0, kKoWordEnd}, {"는가요", kQuestionEnd, 0, kKoWordEnd},
    {"은가요", kQuestionEnd, 0, kKoWordEnd}, {"건가요", kQuestionEnd, 0, kKoWordEnd},
    {"뭔가요", kQuestionEnd, 0, kKoWordEnd}, {"습니까", kQuestionEnd, 0, kKoWordEnd},
    {"입니까", kQuestionEnd, 0, kKoWordEnd}, {"을까", kQuestionEnd, 0, kKoWordEnd},
    {"할까", kQuestionEnd, 0, kKoWordEnd}, {"될까", kQuestionEnd, 0, kKoWordEnd},
    {"주세요", kQuestionEnd, 0, kKoWordEnd}, {"줘", kQuestionEnd, 0, kKoWordEnd},
    {"줘요", kQuestionEnd, 0, kKoWordEnd},
    // ---- sentence ends
    {".", kSentenceEnd, 0, kPeriod}, {"?", kSentenceEnd, 0, 0}, {"!", kSentenceEnd, 0, 0},
    {"\n", kSentenceEnd, 0, 0}, {"。", kSentenceEnd, 0, 0}, {"？", kSentenceEnd, 0, 0},
    {"！", kSentenceEnd, 0, 0},
};
// clang-format on

// Neutral phrases built from a stem and an implicit-subject ending: "수 있어요" is "can",
// "관심이 있는데" is interest, "궁금했어요" is curiosity, "들었는데" is hearsay.
constexpr const char* kNeutralStems[] = {
    "다고 봤",   "뉴스에서 봤",  "기사에서 봤",    "기사를 봤", "수 있", "관심이 있", "관심 있",
    "질문이 있", "궁금한 게 있", "궁금한 점이 있", "궁금했",    "들었",  "읽었"};
constexpr const char* kPastEndings[] = {"어", "어서", "습", "는데", "고", "지만", "대"};

constexpr double kRepeatFactor = 0.25;
constexpr int kMaxRepeats = 3;
// Score bands (see the formula at the top of the file).
constexpr double kStrongAnchoredGap = 0.07;   // anchored strong term: score >= 0.93
constexpr double kMediumAnchoredGap = 0.10;   // anchored medium term: score >= 0.90
constexpr double kWeakAnchoredFloor = 0.4;    // anchored weak terms only: 0.4 ..
constexpr double kWeakAnchoredCeiling = 0.6;  //   .. 0.6
constexpr double kGeneralCeiling = 0.3;       // nothing anchored: below 0.3
// Distances in bytes (a Hangul syllable is 3 bytes).
constexpr size_t kAnchorBefore = 100;       // explicit anchor starting this far before a term ..
constexpr size_t kAnchorAfter = 60;         // .. or starting this far after it
constexpr size_t kSelfStatementAfter = 60;  // Korean ending this far after the term
constexpr size_t kPronounNounBefore = 150;  // person noun this far before a pronoun ..
constexpr size_t kPronounNounAfter = 60;    // .. or after it
constexpr int kTopicParticleScan = 6;       // syllables read to find a word's last one
constexpr double kMinReport = 0.1;
constexpr size_t kMaxEvidence = 10;

constexpr std::array<uint8_t, 256> MakeLowerTable() {
  std::array<uint8_t, 256> t{};
  for (int i = 0; i < 256; ++i) {
    t[i] = static_cast<uint8_t>(i >= 'A' && i <= 'Z' ? i + 32 : i);
  }
  return t;
}
constexpr std::array<uint8_t, 256> kLower = MakeLowerTable();

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsAsciiAlpha(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsHangulSyllable(char32_t cp) {
  return cp >= 0xAC00 && cp <= 0xD7A3;
}

// A syllable whose final consonant is ㅆ (index 20 of the 28 finals): the past-tense
// 았/었/였/했/됐 and the existential 있.
bool HasFinalSsangSiot(char32_t cp) {
  return IsHangulSyllable(cp) && (cp - 0xAC00) % 28 == 20;
}

// Particles (and copula starts) that may follow a Korean noun.
bool IsParticleStart(char32_t cp) {
  static constexpr char32_t kParticles[] = {U'은', U'는', U'이', U'가', U'을', U'를', U'의',
                                            U'에', U'와', U'과', U'도', U'로', U'으', U'야',
                                            U'랑', U'인', U'라', U'였', U'입'};
  return std::find(std::begin(kParticles), std::end(kParticles), cp) != std::end(kParticles);
}

// Particles after a person noun: the noun particles plus 한(테), 께(서), 님, 들.
bool IsPersonParticleStart(char32_t cp) {
  return IsParticleStart(cp) || cp == U'한' || cp == U'께' || cp == U'님' || cp == U'들';
}

// The code point ending just before byte `pos`, or 0 at the start of the text.
char32_t PrevCodePoint(std::string_view text, size_t pos) {
  if (pos == 0) return 0;
  if (static_cast<unsigned char>(text[pos - 1]) < 0x80) return static_cast<char32_t>(text[pos - 1]);
  size_t s = pos - 1;
  while (s > 0 && pos - s < 4 && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
  size_t len;
  return utf8::Decode(text, s, &len);
}

char32_t NextCodePoint(std::string_view text, size_t pos) {
  if (pos >= text.size()) return 0;
  if (static_cast<unsigned char>(text[pos]) < 0x80) return static_cast<char32_t>(text[pos]);
  size_t len;
  return utf8::Decode(text, pos, &len);
}

bool IsWord(char32_t cp) {
  if (cp == 0) return false;
  if (cp < 0x80) return IsAsciiAlnum(static_cast<unsigned char>(cp));
  if (IsHangulSyllable(cp)) return true;
  return utf8::IsWordChar(cp);
}

// Whether the '.' at byte `pos` ends a sentence: it must be followed by the end, a space or a
// closing quote/bracket ("3.5", "e.g" do not end one), and must not close an initial ("J.")
// or a title ("Mr.", "Dr.").
bool IsSentencePeriod(std::string_view text, size_t pos) {
  if (pos + 1 < text.size()) {
    const char next = text[pos + 1];
    if (next != ' ' && next != '\n' && next != '\t' && next != '\r' && next != '"' &&
        next != '\'' && next != ')') {
      return false;
    }
  }
  // The letters before the period, if at most 4 of them.
  size_t b = pos;
  while (b > 0 && pos - b <= 4 && IsAsciiAlpha(static_cast<unsigned char>(text[b - 1]))) --b;
  if (pos - b > 4) return true;  // a long word
  if (pos - b == 1) return false;
  char word[4];
  for (size_t k = b; k < pos; ++k) {
    word[k - b] = static_cast<char>(kLower[static_cast<uint8_t>(text[k])]);
  }
  const std::string_view w(word, pos - b);
  static constexpr std::string_view kTitles[] = {"mr", "mrs", "ms", "dr", "prof",
                                                 "st", "jr",  "sr", "vs"};
  return std::find(std::begin(kTitles), std::end(kTitles), w) == std::end(kTitles);
}

// Whether the Korean word that continues past byte `end` ends in the topic particle 은/는 or
// the defining 란 ("당뇨병은", "우울증이란", "천주교라는"): the sentence is about the topic.
bool EndsWordWithTopicParticle(std::string_view text, size_t end) {
  size_t pos = end;
  char32_t last = 0;
  for (int k = 0; k < kTopicParticleScan && pos < text.size(); ++k) {
    size_t len;
    const char32_t cp = utf8::Decode(text, pos, &len);
    if (!IsHangulSyllable(cp)) break;
    last = cp;
    pos += len;
  }
  return last == U'은' || last == U'는' || last == U'란';
}

struct Term {
  std::string text;  // as written in the lexicon (case kept for kCase)
  Kind kind;
  double weight;
  uint16_t flags;
  bool left_word;   // starts with an ASCII letter or digit: needs a boundary before
  bool right_word;  // ends with one (and is not a stem): needs a boundary after
  bool korean;      // starts with a non-ASCII byte
};

struct Occurrence {
  size_t begin, end;
  int term;
  uint32_t sentence;
};

bool ByBegin(const Occurrence& a, const Occurrence& b) {
  return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
}

// Per-sentence facts gathered during the scan.
enum SentenceFlags : uint8_t {
  kAsks = 1,        // ends in '?' or a Korean question/request ending
  kAboutTopic = 2,  // a Korean sensitive word carries the topic particle 은/는/란
};

}  // namespace

struct TopicDetector::Impl {
  std::vector<Term> terms;
  // Class of each input byte after ASCII lower-casing (folded in); 0: the byte is in no term.
  std::array<uint8_t, 256> byte_class{};
  int num_classes = 1;
  // state * num_classes + class -> state. 16-bit states halve the table, which keeps more of
  // it in cache during the scan.
  using State = uint16_t;
  std::vector<State> delta;
  // Terms ending at each state (via failure links too), flattened: those of state s are
  // out_terms[out_start[s] .. out_start[s + 1]).
  std::vector<uint32_t> out_start;
  std::vector<int> out_terms;

  Impl() {
    for (const TermSpec& spec : kTerms) {
      Add(spec.text, spec.kind, spec.weight, spec.flags);
      // Curly apostrophes are as common as straight ones ("I’m curious", "can’t afford").
      std::string text = spec.text;
      if (const size_t q = text.find('\''); q != std::string::npos) {
        text.replace(q, 1, "\xE2\x80\x99");
        Add(text, spec.kind, spec.weight, spec.flags);
      }
    }
    for (const char* stem : kNeutralStems) {
      for (const char* ending : kPastEndings) Add(std::string(stem) + ending, kNeutral, 0, 0);
    }
    Build();
  }

  void Add(std::string text, Kind kind, double weight, uint16_t flags) {
    Term t;
    t.text = std::move(text);
    t.kind = kind;
    t.weight = weight;
    t.flags = flags;
    const auto front = static_cast<unsigned char>(t.text.front());
    t.left_word = IsAsciiAlnum(front);
    t.right_word = IsAsciiAlnum(static_cast<unsigned char>(t.text.back())) && !(flags & kStem);
    t.korean = front >= 0x80;
    terms.push_back(std::move(t));
  }

  // Aho-Corasick construction: trie, then failure links breadth-first, folding them into a
  // complete transition table so the scan does one lookup per byte.
  void Build() {
    for (const Term& t : terms) {
      for (char ch : t.text) {
        const uint8_t b = kLower[static_cast<unsigned char>(ch)];
        if (byte_class[b] == 0) byte_class[b] = static_cast<uint8_t>(num_classes++);
      }
    }
    for (int b = 'A'; b <= 'Z'; ++b) byte_class[b] = byte_class[b + 32];
    constexpr State kNone = UINT16_MAX;
    const auto C = static_cast<size_t>(num_classes);
    delta.assign(C, kNone);
    std::vector<std::vector<int>> out(1);
    for (size_t id = 0; id < terms.size(); ++id) {
      State s = 0;
      for (char ch : terms[id].text) {
        const size_t c = byte_class[static_cast<unsigned char>(ch)];
        if (delta[s * C + c] == kNone) {
          assert(out.size() < kNone && "topic lexicon too large for 16-bit states");
          delta[s * C + c] = static_cast<State>(out.size());
          out.emplace_back();
          delta.resize(out.size() * C, kNone);
        }
        s = delta[s * C + c];
      }
      out[s].push_back(static_cast<int>(id));
    }
    std::vector<State> fail(out.size(), 0);
    std::deque<State> queue;
    for (size_t c = 0; c < C; ++c) {
      State& next = delta[c];
      if (next == kNone) {
        next = 0;
      } else {
        fail[next] = 0;
        queue.push_back(next);
      }
    }
    while (!queue.empty()) {
      const State s = queue.front();
      queue.pop_front();
      const std::vector<int>& inherited = out[fail[s]];
      out[s].insert(out[s].end(), inherited.begin(), inherited.end());
      for (size_t c = 0; c < C; ++c) {
        State& next = delta[s * C + c];
        if (next == kNone) {
          next = delta[fail[s] * C + c];
        } else {
          fail[next] = delta[fail[s] * C + c];
          queue.push_back(next);
        }
      }
    }
    for (const std::vector<int>& ids : out) {
      out_start.push_back(static_cast<uint32_t>(out_terms.size()));
      out_terms.insert(out_terms.end(), ids.begin(), ids.end());
    }
    out_start.push_back(static_cast<uint32_t>(out_terms.size()));
  }

  bool Accept(const Term& t, std::string_view text, size_t b, size_t e) const {
    if ((t.flags & kCase) && text.substr(b, e - b) != t.text) return false;
    if (t.left_word && IsWord(PrevCodePoint(text, b))) return false;
    if (t.right_word && IsWord(NextCodePoint(text, e))) return false;
    if ((t.flags & (kKoWordStart | kKoKin)) && IsWord(PrevCodePoint(text, b))) return false;
    if ((t.flags & kKoWordEnd) && IsWord(NextCodePoint(text, e))) return false;
    if (t.flags & (kKoParticle | kKoKin)) {
      const char32_t next = NextCodePoint(text, e);
      if (IsHangulSyllable(next) &&
          !((t.flags & kKoKin) ? IsPersonParticleStart(next) : IsParticleStart(next))) {
        return false;
      }
    }
    if (t.flags & kNameAfter) {
      if (e + 1 >= text.size() || text[e] < 'A' || text[e] > 'Z' || text[e + 1] < 'a' ||
          text[e + 1] > 'z') {
        return false;
      }
    }
    if ((t.flags & kAfterPast) && !HasFinalSsangSiot(PrevCodePoint(text, b))) return false;
    if (t.flags & kAfterName) {
      const size_t name_end = b > 0 && text[b - 1] == ' ' ? b - 1 : b;
      if (!IsHangulSyllable(PrevCodePoint(text, name_end))) return false;
    }
    if ((t.flags & kPeriod) && !IsSentencePeriod(text, b)) return false;
    return true;
  }

  std::vector<TopicHit> Detect(std::string_view text) const {
    // ---- one pass: every accepted occurrence, sorted into its kind, with its sentence
    const auto C = static_cast<size_t>(num_classes);
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::array<std::vector<Occurrence>, kTopicCount> found;  // topic terms, per topic
    bool any_found = false;
    std::vector<Occurrence> anchors;     // explicit anchors (first person, named, Korean nouns)
    std::vector<Occurrence> pronouns;    // he/she: anchors when a person noun is near
    std::vector<Occurrence> nouns;       // person nouns
    std::vector<Occurrence> statements;  // Korean implicit-subject endings
    std::vector<Occurrence> groups;      // group nouns
    std::vector<Occurrence> neutrals;
    std::vector<size_t> topic_ends;  // where topic terms end, ascending
    std::vector<uint8_t> sentence_flags;
    uint8_t flags = 0;
    State s = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      s = delta[s * C + byte_class[p[i]]];
      const uint32_t first = out_start[s], last = out_start[s + 1u];
      if (first == last) continue;
      for (uint32_t k = first; k < last; ++k) {
        const int id = out_terms[k];
        const Term& t = terms[static_cast<size_t>(id)];
        const size_t e = i + 1;
        const size_t b = e - t.text.size();
        if (!Accept(t, text, b, e)) continue;
        const Occurrence o{b, e, id, static_cast<uint32_t>(sentence_flags.size())};
        switch (t.kind) {
          case kFirstPerson:
          case kNamedPerson:
          case kKoPerson: anchors.push_back(o); break;
          case kThirdPerson: pronouns.push_back(o); break;
          case kPersonNoun: nouns.push_back(o); break;
          case kGroupNoun: groups.push_back(o); break;
          case kSelfStatement: statements.push_back(o); break;
          case kQuestionEnd: flags |= kAsks; break;
          case kNeutral: neutrals.push_back(o); break;
          case kSentenceEnd:
            if (t.text == "?" || t.text == "？") flags |= kAsks;
            sentence_flags.push_back(flags);
            flags = 0;
            break;
          default:
            found[t.kind].push_back(o);
            topic_ends.push_back(e);
            any_found = true;
            if (t.korean && EndsWordWithTopicParticle(text, e)) flags |= kAboutTopic;
        }
      }
    }
    sentence_flags.push_back(flags);
    if (!any_found) return {};

    // ---- drop what neutral phrases cover, resolve pronouns and sentence-bound anchors
    SortByBegin(neutrals);
    for (auto* v : {&anchors, &pronouns, &nouns, &statements, &groups}) {
      SortByBegin(*v);
      DropCovered(neutrals, *v);
    }
    for (std::vector<Occurrence>& v : found) {
      SortByBegin(v);
      DropCovered(neutrals, v);
    }
    const auto explicit_end = static_cast<std::ptrdiff_t>(anchors.size());
    for (const Occurrence& pr : pronouns) {
      if (HasNear(nouns, pr.begin > kPronounNounBefore ? pr.begin - kPronounNounBefore : 0,
                  pr.end + kPronounNounAfter)) {
        anchors.push_back(pr);
      }
    }
    std::inplace_merge(anchors.begin(), anchors.begin() + explicit_end, anchors.end(), ByBegin);
    // Korean person nouns are about someone in particular only in a statement, and a class
    // noun right after a sensitive word is the class ("당뇨 환자도 운동할 수 있어요").
    std::erase_if(anchors, [&](const Occurrence& a) {
      const Term& t = terms[static_cast<size_t>(a.term)];
      if (t.kind != kKoPerson) return false;
      if (sentence_flags[a.sentence] & kAsks) return true;
      return (t.flags & kClassNoun) &&
             (std::binary_search(topic_ends.begin(), topic_ends.end(), a.begin) ||
              (a.begin > 0 && text[a.begin - 1] == ' ' &&
               std::binary_search(topic_ends.begin(), topic_ends.end(), a.begin - 1)));
    });
    // A final ending ("있어요?") in a question is the question's own verb.
    std::erase_if(statements, [&](const Occurrence& a) {
      return !(terms[static_cast<size_t>(a.term)].flags & kConnective) &&
             (sentence_flags[a.sentence] & kAsks);
    });

    // ---- score each topic
    std::vector<uint8_t> seen(terms.size(), 0);
    std::vector<TopicHit> hits;
    for (int topic = 0; topic < kTopicCount; ++topic) {
      double raw = 0;
      double a = 0;  // the largest anchored weight
      std::vector<std::string> evidence;
      size_t cover_end = 0;
      for (const Occurrence& o : found[topic]) {
        if (o.end <= cover_end) continue;  // inside an earlier, longer occurrence
        cover_end = o.end;
        const Term& t = terms[static_cast<size_t>(o.term)];
        uint8_t& n = seen[static_cast<size_t>(o.term)];
        if (n == 0) {
          raw += t.weight;
          if (evidence.size() < kMaxEvidence) evidence.push_back(t.text);
        } else if (n <= kMaxRepeats) {
          raw += kRepeatFactor * t.weight;
        }
        if (n < UINT8_MAX) ++n;
        // A sensitive word right before a group noun ("cancer patients") describes the group.
        const bool describes_group =
            o.end < text.size() && text[o.end] == ' ' && HasNear(groups, o.end + 1, o.end + 1);
        if (t.weight > a && !describes_group &&
            IsAnchored(o, anchors, statements, sentence_flags)) {
          a = t.weight;
        }
      }
      if (raw <= 0) continue;
      const double extra = raw - a;
      double score;
      if (a >= S) {
        score = 1.0 - kStrongAnchoredGap * std::exp(-extra);
      } else if (a >= M) {
        score = 1.0 - kMediumAnchoredGap * std::exp(-extra);
      } else if (a > 0) {
        score = kWeakAnchoredCeiling -
                (kWeakAnchoredCeiling - kWeakAnchoredFloor) * std::exp(-extra / a);
      } else {
        score = kGeneralCeiling * (1.0 - std::exp(-raw));
      }
      if (score < kMinReport) continue;
      TopicHit h;
      h.topic = kTopicNames[topic];
      h.score = score;
      h.evidence = std::move(evidence);
      hits.push_back(std::move(h));
    }
    std::sort(hits.begin(), hits.end(),
              [](const TopicHit& a, const TopicHit& b) { return a.score > b.score; });
    return hits;
  }

  // Sorts occurrences by begin (longer first on ties). They arrive ordered by end and terms
  // are short, so each moves back past a bounded number of others: insertion sort is linear.
  static void SortByBegin(std::vector<Occurrence>& v) {
    for (size_t i = 1; i < v.size(); ++i) {
      const Occurrence o = v[i];
      size_t j = i;
      for (; j > 0 && ByBegin(o, v[j - 1]); --j) v[j] = v[j - 1];
      v[j] = o;
    }
  }

  // Removes from `v` (sorted by begin) every occurrence inside one of `cover` (sorted by
  // begin). One sweep over both.
  static void DropCovered(const std::vector<Occurrence>& cover, std::vector<Occurrence>& v) {
    if (cover.empty()) return;
    size_t k = 0, reach = 0, kept = 0;
    for (const Occurrence& o : v) {
      while (k < cover.size() && cover[k].begin <= o.begin) reach = std::max(reach, cover[k++].end);
      if (k == 0 || o.end > reach) v[kept++] = o;
    }
    v.resize(kept);
  }

  // Whether some occurrence in `v` (sorted by begin) starts in [from, to].
  static bool HasNear(const std::vector<Occurrence>& v, size_t from, size_t to) {
    auto it = std::lower_bound(v.begin(), v.end(), from,
                               [](const Occurrence& m, size_t x) { return m.begin < x; });
    return it != v.end() && it->begin <= to;
  }

  // Whether topic occurrence `o` is tied to an identifiable person: an explicit anchor near
  // it in its sentence, or a Korean implicit-subject ending after it in a sentence that is
  // not about the topic itself.
  static bool IsAnchored(const Occurrence& o, const std::vector<Occurrence>& anchors,
                         const std::vector<Occurrence>& statements,
                         const std::vector<uint8_t>& sentence_flags) {
    const size_t from = o.begin > kAnchorBefore ? o.begin - kAnchorBefore : 0;
    auto it = std::lower_bound(anchors.begin(), anchors.end(), from,
                               [](const Occurrence& m, size_t v) { return m.begin < v; });
    for (; it != anchors.end() && it->begin <= o.end + kAnchorAfter; ++it) {
      if (it->sentence == o.sentence) return true;
    }
    if (sentence_flags[o.sentence] & kAboutTopic) return false;
    auto st = std::lower_bound(statements.begin(), statements.end(), o.end,
                               [](const Occurrence& m, size_t v) { return m.begin < v; });
    for (; st != statements.end() && st->begin <= o.end + kSelfStatementAfter; ++st) {
      if (st->sentence == o.sentence) return true;
    }
    return false;
  }
};

TopicDetector::TopicDetector() : impl_(new Impl()) {}
TopicDetector::~TopicDetector() {
  delete impl_;
}

std::vector<TopicHit> TopicDetector::Detect(std::string_view text) const {
  return impl_->Detect(text);
}

}  // namespace ptmo::privacy
