// TopicDetector: sensitive-topic lexicons (English and Korean) matched in one linear pass.
//
// Matching. All lexicon terms, plus first-person markers ("I", "my", "제가", "저는"), go into
// one Aho-Corasick automaton over bytes (ASCII lower-cased on the fly; the alphabet is
// compressed to the bytes that occur in terms, so the transition table stays small). One
// pass over the text reports every occurrence of every term; each occurrence is then
// checked against its boundary rule:
//  - a term whose first (last) character is an ASCII letter or digit needs a word boundary
//    before (after) it: "pray" does not hit "spray", "gay" does not hit "Gaylord";
//  - kStem drops the right boundary ("antidepressant" also hits "antidepressants");
//  - kCase terms must match case exactly ("AIDS" the disease, not "aids" the verb);
//  - Korean terms match as substrings (Korean glues particles and compounds onto nouns:
//    "우울증이", "소아당뇨"), except kKoWordStart (must start a word), kKoWordEnd (must end
//    one) and kKoParticle (must be followed by a non-Hangul character or a particle: "빚이"
//    but not "빚어").
// An occurrence fully inside a longer occurrence of the same topic ("암" inside "암 진단")
// is dropped.
//
// Scoring, per topic t:
//   raw_t   = sum over distinct terms w + 0.25 * w * min(extra occurrences, 3)
//   raw_t  *= 1.5                        if a first-person marker is near any occurrence
//   score_t = (1 - exp(-raw_t)) * (first_person ? 1.0 : 0.6)
// with w = 1.5 for strong terms (a diagnosis, "HIV", "bankruptcy", "convicted"), 0.7 for
// medium ones ("loan", "church", "arrest") and 0.25 for weak ones ("doctor", "taxes").
// So "I have diabetes" scores 0.90, "diabetes is common" 0.47, "my doctor" 0.31, and a lone
// weak term in third person (0.13) is not reported. "Near" means the marker ends at most
// 60 bytes before the occurrence or starts at most 30 bytes after it. Topics scoring below
// kMinReport are omitted; the rest are returned by descending score.
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

enum Topic : uint8_t {
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
  kFirstPerson = kTopicCount,  // not a topic: a marker that raises scores nearby
};

constexpr const char* kTopicNames[kTopicCount] = {
    "health",    "finance",     "legal",     "religion", "sexual_orientation", "political_opinion",
    "ethnicity", "trade_union", "biometric", "genetic"};

enum TermFlags : uint8_t {
  kStem = 1,         // ASCII term: no word boundary needed after it
  kCase = 2,         // ASCII term: must match case exactly
  kKoWordStart = 4,  // must start a word
  kKoParticle = 8,   // must be followed by a non-Hangul character or a particle
  kKoWordEnd = 16,   // must be followed by a non-word character
};

constexpr float S = 1.5f;   // strong
constexpr float M = 0.7f;   // medium
constexpr float W = 0.25f;  // weak

struct TermSpec {
  const char* text;
  Topic topic;
  float weight;
  uint8_t flags;
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
    {"scientolog", kReligion, M, kStem},
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

    // ---- first-person markers
    {"i", kFirstPerson, 0, 0}, {"me", kFirstPerson, 0, 0}, {"my", kFirstPerson, 0, 0},
    {"mine", kFirstPerson, 0, 0}, {"myself", kFirstPerson, 0, 0}, {"we", kFirstPerson, 0, 0},
    {"our", kFirstPerson, 0, 0}, {"ours", kFirstPerson, 0, 0},
    {"저는", kFirstPerson, 0, kKoWordStart}, {"제가", kFirstPerson, 0, kKoWordStart},
    {"저도", kFirstPerson, 0, kKoWordStart}, {"저의", kFirstPerson, 0, kKoWordStart},
    {"저한테", kFirstPerson, 0, kKoWordStart}, {"저희", kFirstPerson, 0, kKoWordStart},
    {"나는", kFirstPerson, 0, kKoWordStart}, {"내가", kFirstPerson, 0, kKoWordStart},
    {"나도", kFirstPerson, 0, kKoWordStart}, {"나의", kFirstPerson, 0, kKoWordStart},
    {"우리", kFirstPerson, 0, kKoWordStart},
    {"난", kFirstPerson, 0, kKoWordStart | kKoWordEnd},
    {"제", kFirstPerson, 0, kKoWordStart | kKoWordEnd},
    {"내", kFirstPerson, 0, kKoWordStart | kKoWordEnd},
};
// clang-format on

constexpr double kRepeatFactor = 0.25;
constexpr int kMaxRepeats = 3;
constexpr double kFirstPersonBoost = 1.5;
constexpr double kThirdPersonCap = 0.6;
constexpr size_t kFirstPersonBefore = 60;
constexpr size_t kFirstPersonAfter = 30;
constexpr double kMinReport = 0.15;
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

bool IsHangulSyllable(char32_t cp) {
  return cp >= 0xAC00 && cp <= 0xD7A3;
}

// Particles (and copula starts) that may follow a Korean noun.
bool IsParticleStart(char32_t cp) {
  static constexpr char32_t kParticles[] = {U'은', U'는', U'이', U'가', U'을', U'를', U'의',
                                            U'에', U'와', U'과', U'도', U'로', U'으', U'야',
                                            U'랑', U'인', U'라', U'였', U'입'};
  return std::find(std::begin(kParticles), std::end(kParticles), cp) != std::end(kParticles);
}

// The code point ending just before byte `pos`, or 0 at the start of the text.
char32_t PrevCodePoint(std::string_view text, size_t pos) {
  if (pos == 0) return 0;
  size_t s = pos - 1;
  while (s > 0 && pos - s < 4 && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
  size_t len;
  return utf8::Decode(text, s, &len);
}

char32_t NextCodePoint(std::string_view text, size_t pos) {
  if (pos >= text.size()) return 0;
  size_t len;
  return utf8::Decode(text, pos, &len);
}

bool IsWord(char32_t cp) {
  if (cp == 0) return false;
  if (cp < 0x80) return IsAsciiAlnum(static_cast<unsigned char>(cp));
  return utf8::IsWordChar(cp);
}

struct Term {
  std::string text;  // as written in the lexicon (case kept for kCase)
  Topic topic;
  double weight;
  uint8_t flags;
  bool left_word;   // starts with an ASCII letter or digit: needs a boundary before
  bool right_word;  // ends with one (and is not a stem): needs a boundary after
};

struct Occurrence {
  size_t begin, end;
  int term;
};

}  // namespace

struct TopicDetector::Impl {
  std::vector<Term> terms;
  // Class of each input byte after ASCII lower-casing (folded in); 0: the byte is in no term.
  std::array<uint8_t, 256> byte_class{};
  int num_classes = 1;
  // state * num_classes + class -> state. 16-bit states halve the table (~1 MB for ~5k
  // states and ~90 byte classes), which keeps more of it in cache during the scan.
  using State = uint16_t;
  std::vector<State> delta;
  std::vector<std::vector<int>> out;  // terms ending at each state (via failure links too)

  Impl() {
    for (const TermSpec& spec : kTerms) {
      Term t;
      t.text = spec.text;
      t.topic = spec.topic;
      t.weight = spec.weight;
      t.flags = spec.flags;
      t.left_word = IsAsciiAlnum(static_cast<unsigned char>(t.text.front()));
      t.right_word =
          IsAsciiAlnum(static_cast<unsigned char>(t.text.back())) && !(spec.flags & kStem);
      terms.push_back(std::move(t));
    }
    Build();
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
    out.emplace_back();
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
  }

  bool Accept(const Term& t, std::string_view text, size_t b, size_t e) const {
    if ((t.flags & kCase) && text.substr(b, e - b) != t.text) return false;
    if (t.left_word && IsWord(PrevCodePoint(text, b))) return false;
    if (t.right_word && IsWord(NextCodePoint(text, e))) return false;
    if ((t.flags & kKoWordStart) && IsWord(PrevCodePoint(text, b))) return false;
    if (t.flags & kKoWordEnd) {
      if (IsWord(NextCodePoint(text, e))) return false;
    }
    if (t.flags & kKoParticle) {
      const char32_t next = NextCodePoint(text, e);
      if (IsHangulSyllable(next) && !IsParticleStart(next)) return false;
    }
    return true;
  }

  std::vector<TopicHit> Detect(std::string_view text) const {
    const auto C = static_cast<size_t>(num_classes);
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    std::vector<Occurrence> found;
    std::vector<Occurrence> markers;
    State s = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      s = delta[s * C + byte_class[p[i]]];
      if (out[s].empty()) continue;
      for (int id : out[s]) {
        const Term& t = terms[static_cast<size_t>(id)];
        const size_t e = i + 1;
        const size_t b = e - t.text.size();
        if (!Accept(t, text, b, e)) continue;
        (t.topic == kFirstPerson ? markers : found).push_back({b, e, id});
      }
    }
    if (found.empty()) return {};

    // Drop occurrences inside a longer occurrence of the same topic.
    std::sort(found.begin(), found.end(), [&](const Occurrence& a, const Occurrence& b) {
      const Topic ta = terms[static_cast<size_t>(a.term)].topic;
      const Topic tb = terms[static_cast<size_t>(b.term)].topic;
      if (ta != tb) return ta < tb;
      if (a.begin != b.begin) return a.begin < b.begin;
      return a.end > b.end;
    });
    std::sort(markers.begin(), markers.end(),
              [](const Occurrence& a, const Occurrence& b) { return a.begin < b.begin; });

    std::array<double, kTopicCount> raw{};
    std::array<bool, kTopicCount> first_person{};
    std::array<std::vector<std::string>, kTopicCount> evidence;
    std::vector<uint8_t> seen(terms.size(), 0);
    int prev_topic = -1;
    size_t cover_end = 0;
    for (const Occurrence& o : found) {
      const Term& t = terms[static_cast<size_t>(o.term)];
      if (t.topic != prev_topic) {
        prev_topic = t.topic;
        cover_end = 0;
      }
      if (o.end <= cover_end) continue;  // contained in an earlier, longer occurrence
      cover_end = o.end;
      uint8_t& n = seen[static_cast<size_t>(o.term)];
      if (n == 0) {
        raw[t.topic] += t.weight;
        if (evidence[t.topic].size() < kMaxEvidence) evidence[t.topic].push_back(t.text);
      } else if (n <= kMaxRepeats) {
        raw[t.topic] += kRepeatFactor * t.weight;
      }
      if (n < UINT8_MAX) ++n;
      if (!first_person[t.topic]) first_person[t.topic] = NearMarker(markers, o);
    }

    std::vector<TopicHit> hits;
    for (int topic = 0; topic < kTopicCount; ++topic) {
      if (raw[topic] <= 0) continue;
      const double r = raw[topic] * (first_person[topic] ? kFirstPersonBoost : 1.0);
      const double score = (1.0 - std::exp(-r)) * (first_person[topic] ? 1.0 : kThirdPersonCap);
      if (score < kMinReport) continue;
      TopicHit h;
      h.topic = kTopicNames[topic];
      h.score = score;
      h.evidence = std::move(evidence[topic]);
      hits.push_back(std::move(h));
    }
    std::sort(hits.begin(), hits.end(),
              [](const TopicHit& a, const TopicHit& b) { return a.score > b.score; });
    return hits;
  }

  static bool NearMarker(const std::vector<Occurrence>& markers, const Occurrence& o) {
    const size_t from = o.begin > kFirstPersonBefore ? o.begin - kFirstPersonBefore : 0;
    auto it = std::lower_bound(markers.begin(), markers.end(), from,
                               [](const Occurrence& m, size_t v) { return m.begin < v; });
    for (; it != markers.end() && it->begin <= o.end + kFirstPersonAfter; ++it) {
      if (it->end <= o.begin || it->begin >= o.end) return true;
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
