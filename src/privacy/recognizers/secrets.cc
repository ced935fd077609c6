// SECRET and PASSWORD recognizers.
//
// SECRET has three layers, cheapest first:
//  1. Well-known credential formats (GitHub, Slack, Stripe, AWS, PEM blocks, JWTs...). Every
//     format pattern, plus the context "gates" of the formats that need key words nearby, is
//     compiled into one RE2::Set, so ordinary text costs one DFA pass; a format's own regex
//     only runs over the text when the set says it matched somewhere.
//  2. Per-format validation of each match: token boundaries, minimum entropy, JWT header
//     decoding, Discord id decoding, placeholder passwords in URLs, required context words.
//  3. Generic high-entropy tokens (see GenericTokenScore): only reported when a key word
//     ("key", "token", "secret", "bearer", "토큰"...) is within a few words.
//
// PASSWORD finds the value introduced by an explicit phrase ("my password is X",
// "pwd=X", "비밀번호는 X") and reports the value only, never the phrase. Looser phrases
// ("password X", "my password..., it's X", "login admin / X") only count when the value
// itself looks like a password (see LooksLikePassword). The password inside a URL
// ("postgresql://user:X@host") is found by the SECRET recognizer's URL formats and reported
// as PASSWORD too.
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "privacy/recognizers/registry.h"
#include "privacy/validators/entropy.h"
#include "privacy/validators/jwt.h"
#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

using validators::CharClasses;
using validators::ClassifyChars;
using validators::ShannonEntropy;

// ---------------------------------------------------------------------------------------------
// Character helpers.

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Characters that continue a token on its left ("xAKIA..." is not an AWS key).
bool IsLeftTokenChar(unsigned char c) {
  return IsAsciiAlnum(c) || c == '_';
}
// Characters that continue a token on its right; '-' included since most formats use it.
bool IsRightTokenChar(unsigned char c) {
  return IsAsciiAlnum(c) || c == '_' || c == '-';
}
bool IsBase64Extra(unsigned char c) {
  return c == '+' || c == '/' || c == '=';
}

bool IsHangul(char32_t cp) {
  return (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF) ||
         (cp >= 0x3130 && cp <= 0x318F);
}

std::string_view Sub(std::string_view text, size_t begin, size_t end) {
  return text.substr(begin, end - begin);
}

size_t Offset(std::string_view text, re2::StringPiece piece) {
  return static_cast<size_t>(piece.data() - text.data());
}

// ---------------------------------------------------------------------------------------------
// Credential formats.

enum Flags : unsigned {
  kLeftBound = 1u << 0,    // the byte before the match must not be [A-Za-z0-9_]
  kRightBound = 1u << 1,   // the byte after the match must not be [A-Za-z0-9_-]
  kBase64Bound = 1u << 2,  // ...nor '+', '/', '=' (on either side)
  kMixed = 1u << 3,        // the span must contain both a letter and a digit
  kBounded = kLeftBound | kRightBound,
};

enum class Check {
  kNone,
  kJwt,          // the whole span is a JWT with a decodable JSON header naming "alg"
  kDiscord,      // the first dot-separated part decodes to a numeric Discord id
  kTelegram,     // the part after ':' mixes upper and lower case letters
  kAwsSecret,    // upper, lower and digit all present
  kUrlPassword,  // the password is not a placeholder ("****", "${DB_PASS}", "<password>")
};

struct FormatSpec {
  const char* name;  // reported as the first reason
  // A cheap RE2 (a literal prefix, mostly) that must occur in the text before `pattern` is
  // run; "" for formats gated by their context words only. Triggers, not the full patterns,
  // go into the RE2::Set: counted repetitions of many patterns in one DFA blow up its state
  // count on long random runs, literals do not.
  const char* trigger;
  const char* pattern;  // RE2; when it has a capture group, group 1 is the span
  double score;
  unsigned flags;
  double min_entropy;  // bits per char over the span; 0 disables the check
  Check check;
  const char* context;  // space-separated words, one of which must be near; "" for none
};

// Scores: a distinctive fixed prefix (ghp_, xoxb-, sk_live_ ...) is near-certain (0.95+);
// shapes without a prefix (Telegram, Discord, Twilio SIDs) or values that need context
// (AWS secret key) score lower. Stripe publishable keys are public by design (they ship in
// web pages) but still identify an account, so they score 0.8.
constexpr FormatSpec kFormats[] = {
    // Cloud providers.
    {"AWS access key ID", R"(AKIA|ASIA|ABIA|ACCA)", R"((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})", 0.95,
     kBounded, 3.0, Check::kNone, ""},
    {"AWS secret access key", "", R"([A-Za-z0-9/+]{40})", 0.9, kBounded | kBase64Bound, 4.0,
     Check::kAwsSecret, "aws secret"},
    {"Google API key", R"(AIza)", R"(AIza[0-9A-Za-z_\-]{35})", 0.95, kBounded, 3.0, Check::kNone,
     ""},
    {"Google OAuth client secret", R"(GOCSPX-)", R"(GOCSPX-[0-9A-Za-z_\-]{28})", 0.97, kBounded,
     3.0, Check::kNone, ""},
    {"Google OAuth access token", R"(ya29\.)", R"(ya29\.[0-9A-Za-z_\-]{30,})", 0.95, kBounded, 3.0,
     Check::kNone, ""},
    {"Azure storage account key", R"(AccountKey=)", R"(AccountKey=([A-Za-z0-9+/]{80,100}={0,2}))",
     0.97, kRightBound | kBase64Bound, 4.0, Check::kNone, ""},
    {"Azure shared access key", R"(SharedAccessKey=)",
     R"(SharedAccessKey=([A-Za-z0-9+/]{40,50}={0,2}))", 0.95, kRightBound | kBase64Bound, 3.5,
     Check::kNone, ""},
    {"DigitalOcean personal access token", R"(dop_v1_)", R"(dop_v1_[a-f0-9]{64})", 0.97, kBounded,
     3.0, Check::kNone, ""},
    {"DigitalOcean OAuth token", R"(doo_v1_)", R"(doo_v1_[a-f0-9]{64})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"DigitalOcean refresh token", R"(dor_v1_)", R"(dor_v1_[a-f0-9]{64})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"Heroku API key", R"(HRKU-)", R"(HRKU-[A-Za-z0-9_\-]{50,70})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"Heroku API key (UUID near 'heroku')", "",
     R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})", 0.85,
     kBounded, 0.0, Check::kNone, "heroku"},
    {"Databricks access token", R"(dapi)", R"(dapi[a-f0-9]{32}(?:-[0-9]+)?)", 0.95, kBounded, 3.0,
     Check::kNone, ""},
    // Source hosting and package registries.
    {"GitHub personal access token", R"(ghp_)", R"(ghp_[A-Za-z0-9]{36,251})", 0.98, kBounded, 3.0,
     Check::kNone, ""},
    {"GitHub OAuth access token", R"(gho_)", R"(gho_[A-Za-z0-9]{36,251})", 0.98, kBounded, 3.0,
     Check::kNone, ""},
    {"GitHub user-to-server token", R"(ghu_)", R"(ghu_[A-Za-z0-9]{36,251})", 0.98, kBounded, 3.0,
     Check::kNone, ""},
    {"GitHub server-to-server token", R"(ghs_)", R"(ghs_[A-Za-z0-9]{36,251})", 0.98, kBounded, 3.0,
     Check::kNone, ""},
    {"GitHub refresh token", R"(ghr_)", R"(ghr_[A-Za-z0-9]{36,251})", 0.98, kBounded, 3.0,
     Check::kNone, ""},
    {"GitHub fine-grained personal access token", R"(github_pat_)",
     R"(github_pat_[A-Za-z0-9_]{70,244})", 0.98, kBounded, 3.0, Check::kNone, ""},
    {"GitLab personal access token", R"(glpat-)", R"(glpat-[A-Za-z0-9_\-]{20,64})", 0.97, kBounded,
     3.0, Check::kNone, ""},
    {"GitLab deploy token", R"(gldt-)", R"(gldt-[A-Za-z0-9_\-]{20,64})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"GitLab runner token", R"(glrt-)", R"(glrt-[A-Za-z0-9_\-]{20,64})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"npm access token", R"(npm_)", R"(npm_[A-Za-z0-9]{36})", 0.97, kBounded, 3.0, Check::kNone,
     ""},
    {"PyPI API token", R"(pypi-AgEIcHlwaS5vcmc)", R"(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,})",
     0.99, kBounded, 3.0, Check::kNone, ""},
    {"TestPyPI API token", R"(pypi-AgENdGVzdC5weXBpLm9yZw)",
     R"(pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_\-]{50,})", 0.97, kBounded, 3.0, Check::kNone, ""},
    {"Hugging Face access token", R"(hf_)", R"(hf_[A-Za-z0-9]{34,40})", 0.95, kBounded, 3.5,
     Check::kNone, ""},
    {"Hugging Face organization token", R"(api_org_)", R"(api_org_[A-Za-z0-9]{34})", 0.95, kBounded,
     3.5, Check::kNone, ""},
    // Chat and messaging.
    {"Slack bot token", R"(xoxb-)", R"(xoxb-[0-9A-Za-z\-]{20,250})", 0.97, kBounded | kMixed, 3.0,
     Check::kNone, ""},
    {"Slack user token", R"(xoxp-)", R"(xoxp-[0-9A-Za-z\-]{20,250})", 0.97, kBounded | kMixed, 3.0,
     Check::kNone, ""},
    {"Slack token", R"(xox[aers]-)", R"(xox[aers]-[0-9A-Za-z\-]{20,250})", 0.95, kBounded | kMixed,
     3.0, Check::kNone, ""},
    {"Slack app-level token", R"(xapp-)", R"(xapp-[0-9]-[A-Z0-9]+-[0-9]+-[a-z0-9]{20,})", 0.97,
     kBounded, 3.0, Check::kNone, ""},
    {"Slack webhook URL", R"(hooks\.slack\.com/)",
     R"(https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_\-]+/[A-Za-z0-9_/\-]{16,})",
     0.97, 0, 0.0, Check::kNone, ""},
    {"Discord bot token", R"([A-Za-z0-9_\-]{23}\.[A-Za-z0-9_\-]{6,7}\.)",
     R"([A-Za-z0-9_\-]{23,28}\.[A-Za-z0-9_\-]{6,7}\.[A-Za-z0-9_\-]{27,40})", 0.95, kBounded, 3.0,
     Check::kDiscord, ""},
    {"Discord webhook URL", R"(/api/webhooks/)",
     R"(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,})",
     0.97, 0, 0.0, Check::kNone, ""},
    {"Telegram bot token", R"([0-9]{8}:)", R"((?:\b|bot)([0-9]{8,10}:[A-Za-z0-9_\-]{35}))", 0.9,
     kRightBound, 3.5, Check::kTelegram, ""},
    {"Twilio account SID", R"(AC[0-9a-f]{4})", R"(AC[0-9a-f]{32})", 0.85, kBounded, 3.0,
     Check::kNone, ""},
    {"Twilio API key SID", R"(SK[0-9a-f]{4})", R"(SK[0-9a-f]{32})", 0.85, kBounded, 3.0,
     Check::kNone, ""},
    {"SendGrid API key", R"(SG\.)", R"(SG\.[0-9A-Za-z_\-]{22}\.[0-9A-Za-z_\-]{43})", 0.98, kBounded,
     3.0, Check::kNone, ""},
    {"Mailgun API key", R"(key-)", R"(key-[0-9a-f]{32})", 0.9, kBounded, 3.0, Check::kNone, ""},
    // Payments and commerce.
    {"Stripe live secret key", R"(sk_live_)", R"(sk_live_[0-9A-Za-z]{20,247})", 0.98, kBounded, 3.0,
     Check::kNone, ""},
    {"Stripe live restricted key", R"(rk_live_)", R"(rk_live_[0-9A-Za-z]{20,247})", 0.98, kBounded,
     3.0, Check::kNone, ""},
    {"Stripe test secret key", R"(k_test_)", R"((?:sk|rk)_test_[0-9A-Za-z]{20,247})", 0.95,
     kBounded, 3.0, Check::kNone, ""},
    {"Stripe live publishable key", R"(pk_live_)", R"(pk_live_[0-9A-Za-z]{20,247})", 0.8, kBounded,
     3.0, Check::kNone, ""},
    {"Stripe webhook signing secret", R"(whsec_)", R"(whsec_[A-Za-z0-9+/]{32,})", 0.97, kBounded,
     3.0, Check::kNone, ""},
    {"Square access token", R"(sq0atp-)", R"(sq0atp-[0-9A-Za-z_\-]{22,43})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"Square OAuth secret", R"(sq0csp-)", R"(sq0csp-[0-9A-Za-z_\-]{40,50})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"Shopify access token", R"(shpat_)", R"(shpat_[a-fA-F0-9]{32})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"Shopify custom app access token", R"(shpca_)", R"(shpca_[a-fA-F0-9]{32})", 0.97, kBounded,
     3.0, Check::kNone, ""},
    {"Shopify private app access token", R"(shppa_)", R"(shppa_[a-fA-F0-9]{32})", 0.97, kBounded,
     3.0, Check::kNone, ""},
    {"Shopify shared secret", R"(shpss_)", R"(shpss_[a-fA-F0-9]{32})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    // AI providers. The legacy OpenAI key embeds "T3BlbkFJ" (base64 of "OpenAI").
    {"Anthropic API key", R"(sk-ant-)", R"(sk-ant-[a-z]+[0-9]*-[A-Za-z0-9_\-]{32,})", 0.99,
     kBounded, 3.0, Check::kNone, ""},
    {"OpenAI API key", R"(T3BlbkFJ)", R"(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})", 0.98,
     kBounded, 3.0, Check::kNone, ""},
    {"OpenAI project API key", R"(sk-(?:proj|svcacct|admin)-)",
     R"(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,})", 0.98, kBounded, 3.0, Check::kNone, ""},
    {"API secret key with sk- prefix (OpenAI style)", R"(sk-)", R"(sk-[A-Za-z0-9]{32,})", 0.9,
     kBounded | kMixed, 3.5, Check::kNone, ""},
    // Other SaaS.
    {"Linear API key", R"(lin_api_)", R"(lin_api_[A-Za-z0-9]{40})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"Notion integration token", R"(ntn_)", R"(ntn_[0-9]{11}[A-Za-z0-9]{35})", 0.97, kBounded, 3.0,
     Check::kNone, ""},
    {"age secret key", R"(AGE-SECRET-KEY-1)", R"(AGE-SECRET-KEY-1[0-9A-Z]{58})", 0.99, kBounded,
     3.0, Check::kNone, ""},
    // Generic structures.
    {"JSON Web Token", R"(eyJ)", R"(eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]*)",
     0.95, kBounded, 0.0, Check::kJwt, ""},
    {"PEM private key block", R"(-----BEGIN)",
     R"(-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----)",
     0.99, 0, 0.0, Check::kNone, ""},
    // A block cut off before its END line: the header plus the base64 lines that follow.
    {"PEM private key block (no END line)", R"(-----BEGIN)",
     R"(-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:(?:\s|\\n)*[A-Za-z0-9+/=]{16,})+)", 0.95,
     0, 0.0, Check::kNone, ""},
    {"database URL with inline password", R"(://[^\s:/@]+:[^\s/@]+@)",
     R"((?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|cockroachdb|clickhouse|couchdb)://[^\s:/@]+:([^\s/@]+)@[A-Za-z0-9.\-\[\]]+)",
     0.95, 0, 0.0, Check::kUrlPassword, ""},
    {"URL with inline password", R"(://[^\s:/@]+:[^\s/@]+@)",
     R"((?i)\b(?:https?|ftps?|sftp|ssh|smtps?|imaps?|ldaps?)://[^\s:/@]+:([^\s/@]+)@[A-Za-z0-9.\-\[\]]+)",
     0.9, 0, 0.0, Check::kUrlPassword, ""},
};

// Key words that make a generic high-entropy token a SECRET. ASCII words match whole words
// (so "api_key" matches through "key"), Korean ones as prefixes ("토큰은").
const std::vector<std::string>& GenericKeyWords() {
  static const std::vector<std::string> kWords = {
      "key",       "keys", "token",         "tokens", "secret",     "secrets",     "apikey",
      "api",       "auth", "authorization", "bearer", "credential", "credentials", "passphrase",
      "signature", "키",   "토큰",          "인증",   "시크릿",     "비밀키"};
  return kWords;
}

// The generic token rule, documented here because it decides what counts as "random":
//  - 20..512 bytes of [A-Za-z0-9_-+/] (plus up to two '=' of base64 padding);
//  - at least one letter and one digit;
//  - Shannon entropy >= 3.5 bits/char, or >= 3.0 for hex-only tokens and UUIDs. Measured on
//    random tokens: 20 base62 chars average 4.04 bits (99.9% above 3.5), 32 hex chars 3.61
//    (99.97% above 3.0; 16 symbols cap hex at 4 bits);
//  - less than 40% of its characters inside word-like chunks ([A-Z]?[a-z]{3,}: "Variable",
//    "config"), which removes identifiers, paths and file names;
//  - not base64 of readable text (decodes to UTF-8 with a space and no control bytes);
//  - a key word (GenericKeyWords) within kGenericWindow words before or after.
constexpr size_t kGenericMinLen = 20;
constexpr size_t kGenericMaxLen = 512;
constexpr double kGenericMinEntropy = 3.5;
constexpr double kGenericMinEntropyHex = 3.0;
constexpr double kGenericMaxWordShare = 0.4;
constexpr int kGenericWindow = 4;
constexpr double kGenericScore = 0.7;

constexpr std::array<bool, 256> MakeGenericTokenTable() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == '-' || c == '+' || c == '/';
  }
  return t;
}
constexpr std::array<bool, 256> kGenericTokenChar = MakeGenericTokenTable();

// A table lookup: this runs on every byte of every text.
bool IsGenericTokenChar(unsigned char c) {
  return kGenericTokenChar[c];
}

// Share of characters inside [A-Z]?[a-z]{3,} chunks.
double WordLikeShare(std::string_view token) {
  size_t covered = 0;
  size_t i = 0;
  while (i < token.size()) {
    size_t j = i;
    if (token[j] >= 'A' && token[j] <= 'Z') ++j;
    size_t lower_begin = j;
    while (j < token.size() && token[j] >= 'a' && token[j] <= 'z') ++j;
    if (j - lower_begin >= 3) {
      covered += j - i;
      i = j;
    } else {
      i = std::max(i + 1, lower_begin);
    }
  }
  return token.empty() ? 0.0 : static_cast<double>(covered) / static_cast<double>(token.size());
}

// True when `token` is base64 of readable text ("SGVsbG8gd29ybGQ=" = "Hello world").
bool IsBase64OfText(std::string_view token) {
  const bool url = token.find_first_of("-_") != std::string_view::npos;
  const std::optional<std::string> decoded =
      url ? validators::Base64UrlDecode(token) : validators::Base64StdDecode(token);
  if (!decoded || decoded->size() < 8) return false;
  if (decoded->find(' ') == std::string::npos) return false;
  for (char ch : *decoded) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
    if (c == 0x7F) return false;
  }
  return utf8::IsValid(*decoded);
}

std::string FormatEntropy(double h) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", h);
  return buf;
}

std::vector<std::string> SplitWords(const char* words) {
  std::vector<std::string> out;
  std::string_view s(words);
  while (!s.empty()) {
    size_t sp = s.find(' ');
    if (sp != 0) out.emplace_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

// Placeholder passwords in URLs (documentation and templates), not real secrets.
bool IsPlaceholderPassword(std::string_view pw) {
  if (pw.empty()) return true;
  if (pw.front() == '$' || pw.front() == '<' || pw.front() == '{' || pw.front() == '%' ||
      pw.front() == '[') {
    return true;
  }
  if (std::all_of(pw.begin(), pw.end(), [](char c) { return c == '*' || c == 'x' || c == 'X'; }))
    return true;
  const std::string lower = utf8::AsciiLower(pw);
  return lower == "password" || lower == "pass" || lower == "passwd" || lower == "pwd" ||
         lower == "secret" || lower == "changeme" || lower == "your_password" ||
         lower == "yourpassword" || lower == "mypassword";
}

// Context check with the word rules of HasContextWord (privacy/core/context.h): words are
// maximal runs of word characters; ASCII key words match whole words case-insensitively,
// Korean ones as prefixes ("토큰은"). Unlike HasContextWord it allocates nothing and looks at
// most kMaxContextBytes away, so that texts made of thousands of candidate tokens stay
// cheap. Sets *found to the key word matched.
constexpr size_t kMaxContextBytes = 256;

bool WordMatches(std::string_view word, const std::string& key) {
  const bool ascii_key = static_cast<unsigned char>(key.front()) < 0x80;
  if (!ascii_key) return word.starts_with(key);
  if (word.size() != key.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != key[i]) return false;
  }
  return true;
}

bool IsWordAt(std::string_view text, size_t i, size_t* len) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) {
    *len = 1;
    return IsAsciiAlnum(c);
  }
  return utf8::IsWordChar(utf8::Decode(text, i, len));
}

// Start of the code point that ends at byte `i` (exclusive).
size_t PrevCodePointStart(std::string_view text, size_t i) {
  size_t s = i - 1;
  while (s > 0 && i - s < 4 && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
  return s;
}

bool CheckWord(std::string_view word, const std::vector<std::string>& keys, std::string* found) {
  for (const std::string& k : keys) {
    if (WordMatches(word, k)) {
      if (found != nullptr) *found = k;
      return true;
    }
  }
  return false;
}

bool NearKeyWord(std::string_view text, size_t b, size_t e, const std::vector<std::string>& keys,
                 int window, std::string* found) {
  const size_t lo = b > kMaxContextBytes ? b - kMaxContextBytes : 0;
  // Words before the span, nearest first.
  size_t i = b;
  for (int n = 0; n < window && i > lo;) {
    size_t len;
    while (i > lo && !IsWordAt(text, PrevCodePointStart(text, i), &len)) {
      i = PrevCodePointStart(text, i);
    }
    if (i <= lo) break;
    const size_t word_end = i;
    while (i > lo && IsWordAt(text, PrevCodePointStart(text, i), &len)) {
      i = PrevCodePointStart(text, i);
    }
    // A word cut by the byte limit is not compared ("monkey" must not read as "key").
    if (i <= lo && i > 0 && IsWordAt(text, PrevCodePointStart(text, i), &len)) break;
    if (CheckWord(Sub(text, i, word_end), keys, found)) return true;
    ++n;
  }
  // Words after the span.
  const size_t hi = std::min(text.size(), e + kMaxContextBytes);
  i = e;
  for (int n = 0; n < window && i < hi; ++n) {
    size_t len = 1;
    while (i < hi && !IsWordAt(text, i, &len)) i += len;
    if (i >= hi) break;
    const size_t word_begin = i;
    while (i < hi && IsWordAt(text, i, &len)) i += len;
    if (i >= hi && i < text.size() && IsWordAt(text, i, &len)) break;  // cut by the limit
    if (CheckWord(Sub(text, word_begin, i), keys, found)) return true;
  }
  return false;
}

bool DiscordIdValid(std::string_view token) {
  const std::string_view first = token.substr(0, token.find('.'));
  const std::optional<std::string> id = validators::Base64UrlDecode(first);
  if (!id || id->size() < 17 || id->size() > 20) return false;
  return std::all_of(id->begin(), id->end(), [](char c) { return c >= '0' && c <= '9'; });
}

struct Format {
  const FormatSpec* spec;
  std::unique_ptr<RE2> re;
  bool has_group;
  int set_index;   // index of the trigger in the set; -1 when there is none
  int gate_index;  // index of the context-word gate; -1 when the format needs no context
  std::vector<std::string> context;
};

class CredentialRecognizer : public Recognizer {
 public:
  CredentialRecognizer() : set_(SetOptions(), RE2::UNANCHORED) {
    RE2::Options options;
    options.set_log_errors(false);
    for (const FormatSpec& spec : kFormats) {
      Format f;
      f.spec = &spec;
      f.re = std::make_unique<RE2>(spec.pattern, options);
      assert(f.re->ok() && "bad credential pattern");
      f.has_group = f.re->NumberOfCapturingGroups() >= 1;
      f.set_index = spec.trigger[0] != '\0' ? AddToSet(spec.trigger) : -1;
      f.gate_index = -1;
      f.context = SplitWords(spec.context);
      if (!f.context.empty()) {
        std::string gate = "(?i)(?:";
        for (size_t i = 0; i < f.context.size(); ++i) {
          if (i > 0) gate += "|";
          gate += RE2::QuoteMeta(f.context[i]);
        }
        gate += ")";
        f.gate_index = AddToSet(gate);
      }
      formats_.push_back(std::move(f));
    }
    [[maybe_unused]] const bool compiled = set_.Compile();
    assert(compiled && "credential pattern set failed to compile");
    set_size_ = next_index_;
  }

  std::string_view name() const override { return "secret"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    std::vector<Span> found;
    std::vector<bool> hit(static_cast<size_t>(set_size_), false);
    std::vector<int> matched;
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    if (set_.Match(text, &matched, &info)) {
      for (int i : matched) hit[static_cast<size_t>(i)] = true;
    } else if (info.kind != RE2::Set::kNoError) {
      // The set's DFA gave up (hostile input filling its cache): run every format; each
      // regex is still linear, only slower.
      std::fill(hit.begin(), hit.end(), true);
    }
    for (const Format& f : formats_) {
      if (f.set_index >= 0 && !hit[static_cast<size_t>(f.set_index)]) continue;
      if (f.gate_index >= 0 && !hit[static_cast<size_t>(f.gate_index)]) continue;
      ScanFormat(f, text, found);
    }
    ScanGeneric(text, ArmoredRegions(text), found);
    KeepBestNonOverlapping(found);
    for (Span& s : found) out.push_back(std::move(s));
  }

 private:
  static RE2::Options SetOptions() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(16 << 20);  // the DFA cache; the triggers are mostly literals
    return o;
  }

  int AddToSet(const std::string& pattern) {
    std::string error;
    [[maybe_unused]] const int index = set_.Add(pattern, &error);
    assert(index == next_index_ && "bad pattern in credential set");
    return next_index_++;
  }

  void ScanFormat(const Format& f, std::string_view text, std::vector<Span>& out) const {
    const FormatSpec& spec = *f.spec;
    const bool base64_bound = (spec.flags & kBase64Bound) != 0;
    re2::StringPiece groups[2];
    const int ngroups = f.has_group ? 2 : 1;
    size_t pos = 0;
    while (pos < text.size()) {
      if (!f.re->Match(text, pos, text.size(), RE2::UNANCHORED, groups, ngroups)) break;
      const size_t mb = Offset(text, groups[0]);
      const size_t me = mb + groups[0].size();
      if (me == mb) {
        pos = mb + 1;
        continue;
      }
      if ((spec.flags & kLeftBound) && mb > 0) {
        const auto prev = static_cast<unsigned char>(text[mb - 1]);
        if (IsLeftTokenChar(prev) || (base64_bound && IsBase64Extra(prev))) {
          // Any match starting inside this run would fail the same test: skip the run.
          size_t next = mb;
          while (next < text.size() &&
                 (IsLeftTokenChar(static_cast<unsigned char>(text[next])) ||
                  (base64_bound && IsBase64Extra(static_cast<unsigned char>(text[next]))))) {
            ++next;
          }
          pos = std::max(next, mb + 1);
          continue;
        }
      }
      pos = me;
      if ((spec.flags & kRightBound) && me < text.size()) {
        const auto next = static_cast<unsigned char>(text[me]);
        if (IsRightTokenChar(next) || (base64_bound && IsBase64Extra(next))) continue;
      }
      size_t sb = mb, se = me;
      if (f.has_group && groups[1].data() != nullptr) {
        sb = Offset(text, groups[1]);
        se = sb + groups[1].size();
      }
      std::string found_word;
      if (!Validate(f, text, sb, se, &found_word)) continue;
      Span s;
      // A password in a URL is a password, whichever recognizer finds it.
      s.type = spec.check == Check::kUrlPassword ? EntityType::kPassword : EntityType::kSecret;
      s.begin = sb;
      s.end = se;
      s.score = spec.score;
      s.recognizer = "secret";
      s.reasons.push_back(spec.name);
      if (!found_word.empty()) s.reasons.push_back("context word '" + found_word + "'");
      out.push_back(std::move(s));
    }
  }

  static bool Validate(const Format& f, std::string_view text, size_t b, size_t e,
                       std::string* found_word) {
    const FormatSpec& spec = *f.spec;
    const std::string_view token = Sub(text, b, e);
    if (spec.min_entropy > 0 && ShannonEntropy(token) < spec.min_entropy) return false;
    if (spec.flags & kMixed) {
      const CharClasses cc = ClassifyChars(token);
      if (cc.digit == 0 || cc.lower + cc.upper == 0) return false;
    }
    switch (spec.check) {
      case Check::kNone: break;
      case Check::kJwt:
        if (!validators::IsValidJwt(token)) return false;
        break;
      case Check::kDiscord:
        if (!DiscordIdValid(token)) return false;
        break;
      case Check::kTelegram: {
        const CharClasses cc = ClassifyChars(token.substr(token.find(':') + 1));
        if (cc.lower == 0 || cc.upper == 0) return false;
        break;
      }
      case Check::kAwsSecret: {
        const CharClasses cc = ClassifyChars(token);
        if (cc.lower == 0 || cc.upper == 0 || cc.digit == 0) return false;
        break;
      }
      case Check::kUrlPassword:
        if (IsPlaceholderPassword(token)) return false;
        break;
    }
    if (!f.context.empty() && !NearKeyWord(text, b, e, f.context, /*window=*/8, found_word)) {
      return false;
    }
    return true;
  }

  // PEM armored blocks ("-----BEGIN CERTIFICATE-----" ... "-----END CERTIFICATE-----"):
  // their base64 lines next to the word "KEY" are not generic secrets (private keys are
  // found whole by their own format). Returns [begin, end) byte ranges in text order.
  std::vector<std::pair<size_t, size_t>> ArmoredRegions(std::string_view text) const {
    std::vector<std::pair<size_t, size_t>> regions;
    if (text.find("-----BEGIN ") == std::string_view::npos) return regions;
    re2::StringPiece match;
    size_t pos = 0;
    while (pos < text.size() && armor_.Match(text, pos, text.size(), RE2::UNANCHORED, &match, 1)) {
      const size_t b = Offset(text, match);
      regions.emplace_back(b, b + match.size());
      pos = b + std::max<size_t>(match.size(), 1);
    }
    return regions;
  }

  // Finds runs of token characters and keeps those passing the generic rule above, except
  // inside `skip` regions.
  static void ScanGeneric(std::string_view text, const std::vector<std::pair<size_t, size_t>>& skip,
                          std::vector<Span>& out) {
    const size_t n = text.size();
    size_t i = 0;
    size_t next_skip = 0;
    while (i < n) {
      if (!IsGenericTokenChar(static_cast<unsigned char>(text[i]))) {
        ++i;
        continue;
      }
      while (next_skip < skip.size() && skip[next_skip].second <= i) ++next_skip;
      if (next_skip < skip.size() && skip[next_skip].first <= i) {
        i = skip[next_skip].second;
        continue;
      }
      const size_t b = i;
      while (i < n && IsGenericTokenChar(static_cast<unsigned char>(text[i]))) ++i;
      size_t e = i;
      // Base64 padding belongs to the token only when nothing token-like follows it
      // ("api_key=abc" is a key word, '=' and a value, not one token).
      size_t pad = 0;
      while (e + pad < n && pad < 2 && text[e + pad] == '=') ++pad;
      if (pad > 0 &&
          (e + pad == n || !IsGenericTokenChar(static_cast<unsigned char>(text[e + pad])))) {
        e += pad;
        i = e;
      }
      // Trim leading/trailing separators that are not part of a token ("--flag", "path/").
      size_t tb = b, te = e;
      while (tb < te && (text[tb] == '-' || text[tb] == '/' || text[tb] == '_')) ++tb;
      while (te > tb && (text[te - 1] == '-' || text[te - 1] == '/' || text[te - 1] == '_')) --te;
      if (te - tb < kGenericMinLen || te - tb > kGenericMaxLen) continue;
      MaybeAddGeneric(text, tb, te, out);
    }
  }

  static void MaybeAddGeneric(std::string_view text, size_t b, size_t e, std::vector<Span>& out) {
    const std::string_view token = Sub(text, b, e);
    const CharClasses cc = ClassifyChars(token);
    if (cc.digit == 0 || cc.lower + cc.upper == 0) return;
    const std::string_view body = token.substr(0, token.find_last_not_of('=') + 1);
    const bool hex = validators::IsHex(body) || validators::IsUuidShaped(body);
    const double h = ShannonEntropy(token);
    if (h < (hex ? kGenericMinEntropyHex : kGenericMinEntropy)) return;
    if (WordLikeShare(token) >= kGenericMaxWordShare) return;
    std::string word;
    if (!NearKeyWord(text, b, e, GenericKeyWords(), kGenericWindow, &word)) return;
    if (IsBase64OfText(token)) return;
    Span s;
    s.type = EntityType::kSecret;
    s.begin = b;
    s.end = e;
    s.score = kGenericScore;
    s.recognizer = "secret";
    s.reasons.push_back("high-entropy token (" + FormatEntropy(h) + " bits/char)");
    s.reasons.push_back("context word '" + word + "'");
    out.push_back(std::move(s));
  }

  // Several formats can match the same bytes (an OpenAI key is also an "sk-" key and a
  // generic token): keep, among overlapping spans, the higher score, then the longer.
  static void KeepBestNonOverlapping(std::vector<Span>& spans) {
    if (spans.size() < 2) return;
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
    });
    std::vector<Span> kept;
    kept.reserve(spans.size());
    for (Span& s : spans) {
      if (!kept.empty() && s.begin < kept.back().end) {
        Span& last = kept.back();
        const bool better =
            s.score > last.score || (s.score == last.score && s.length() > last.length());
        if (better) last = std::move(s);
        continue;
      }
      kept.push_back(std::move(s));
    }
    spans = std::move(kept);
  }

  RE2::Set set_;
  RE2 armor_{R"(-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----)"};
  int next_index_ = 0;
  int set_size_ = 0;
  std::vector<Format> formats_;
};

// ---------------------------------------------------------------------------------------------
// PASSWORD.

// One alternation, one group per phrase family, so a single DFA pass finds every phrase;
// the value after the phrase is extracted by hand (ExtractValue).
//  1: "password: X", "pwd=X", "DB_PASSWORD=X", "password is: X"
//  2: "my password is X", "the password for my bank is X", "pw was X"
//  3: "changed my password to X"
//  4: "PIN: 1234", "pin code is 1234" (digits only)
//  5: "비밀번호: X", "비밀번호는 X", "비번은 X", "암호가 X"
//  6: "패스워드 X", "비밀번호 X" (space only; weaker)
//  7: "비밀번호를 X로 바꿨어" (value must be followed by 로/으로)
// The looser families below take only values that LooksLikePassword:
//  8: "I keep forgetting my password, it's X", "the wifi password? it is X" (within 60
//     characters, not across a full stop or a line break)
//  9: "user admin pass X", and with "is" or ':' after the login word "login is admin / X",
//     "credentials: root/X" ("user guide/Manual2" is not a login)
// 10: "password X", "pw X", "pass X" (no "is" or ':')
// "pass" is an ordinary verb and noun ("pass the salt", "boarding pass: ..."), so in every
// family it only counts at the start of a clause (IsClauseStart) and with such a value.
// Families 1-7 and the words that start a loose phrase (kLooseTrigger) are one alternation,
// searched over the whole text. The loose families themselves are not in it (their counted
// gaps would multiply its DFA states); they are tried in order, anchored, where a trigger
// word matched or a strict phrase's value was not plausible ("password is long, it's X").
constexpr const char* kPasswordFamilies[] = {
    R"((?:\b|_)(?:password|passwd|passcode|passphrase|pwd|pw|pass)\b["']?(?:\s+(?:is|was))?\s*[:=]\s*)",
    R"(\b(?:password|passwd|passcode|passphrase|pwd|pw)\b(?:\s+(?:for|to|of|on|at)\s+(?:[^\s.,;:!?]+\s+){0,3}?[^\s.,;:!?]+)?\s+(?:is|was|will\s+be|is\s+now|is\s+still)\s+)",
    R"(\b(?:set|change|changed|changing|reset|update|updated)\s+(?:(?:my|the|your|our|his|her|their)\s+)?(?:password|passcode|pin)\s+to\s+)",
    R"(\bpin(?:\s+(?:code|number))?(?:\s+(?:is|was)\s*:?|\s*[:=])\s*)",
    R"((?:비밀\s?번호|비번|암호|패스워드)(?:(?:는|은|가|이)\s*[:=]?|\s*[:=])\s*)",
    R"((?:비밀\s?번호|비번|패스워드)\s+)",
    R"((?:비밀\s?번호|비번|암호|패스워드)를\s*)",
    R"((?:\b|_)(?:password|passwd|passcode|pwd|pw)\b[^.!\n]{0,60}?\bit(?:(?:'|’)s|s|\s+is)\s+)",
    R"(\b(?:log\s?in|user(?:\s?name|\s?id)?|credentials?|creds)\b(?:(?:\s+(?:is|was|are))?\s*[:=]?\s*[^\s/:=,;]{1,64},?[ \t]+(?:pass(?:word)?|passwd|pwd|pw)\b[ \t]*[:=]?[ \t]*|(?:\s+(?:is|was|are)\s*|\s*[:=]\s*)[^\s/:=,;]{1,64}[ \t]*/[ \t]*))",
    R"((?:\b|_)(?:password|passwd|passcode|pwd|pw|pass)[ \t]+)",
};
constexpr int kPasswordFamilyCount = static_cast<int>(std::size(kPasswordFamilies));
constexpr int kPasswordGroups = 7;  // the strict families, one capture group each
constexpr int kFirstLooseFamily = kPasswordGroups + 1;
constexpr char kLooseTrigger[] = R"((?:\b|_)(?:password|passwd|passcode|pwd|pw|pass)\b|)"
                                 R"(\b(?:log\s?in|user(?:\s?name|\s?id)?|credentials?|creds)\b)";

// The strict families as one case-insensitive alternation, family g as capture group g,
// then the loose trigger words as group kPasswordGroups + 1.
std::string PasswordPattern() {
  std::string out = "(?i)(?:";
  for (int g = 0; g < kPasswordGroups; ++g) {
    out += "(";
    out += kPasswordFamilies[g];
    out += ")|";
  }
  return out + "(" + kLooseTrigger + "))";
}

// Words that follow a password phrase in ordinary sentences ("the password is wrong",
// "password: required") and are therefore not the password.
bool IsNonValueWord(std::string_view lower) {
  // clang-format off
  static constexpr std::string_view kWords[] = {
      "a", "about", "above", "after", "again", "also", "always", "an", "and", "any", "anything",
      "are", "as", "at", "be", "because", "been", "before", "being", "below", "blank", "but", "by",
      "can", "can't", "cannot", "case", "case-sensitive", "changed", "compromised", "contain",
      "contains", "correct", "could", "current", "default", "did", "didn't", "different", "does",
      "doesn't", "easy", "empty", "encrypted", "enter", "entered", "expired", "expires", "field",
      "fine", "for", "forgotten", "from", "generated", "given", "good", "had", "has", "hashed",
      "have", "her", "here", "hidden", "his", "how", "if", "in", "include", "includes",
      "incorrect", "insecure", "invalid", "is", "isn't", "it", "its", "just", "leaked", "least",
      "length", "like", "long", "lost", "mandatory", "max", "maximum", "may", "maybe", "might",
      "min", "minimum", "missing", "must", "my", "n/a", "need", "needed", "needs", "never", "new",
      "no", "none", "not", "nothing", "now", "null", "of", "ok", "okay", "old", "on", "one",
      "only", "optional", "or", "our", "please", "previous", "probably", "protected", "provided",
      "really", "required", "reset", "safe", "same", "saved", "secure", "see", "sensitive", "sent",
      "set", "short", "should", "shown", "simple", "so", "something", "still", "stolen", "stored",
      "strong", "successfully", "tbd", "temporary", "than", "that", "the", "their", "then",
      "there", "these", "this", "to", "too", "unknown", "unset", "until", "updated", "used",
      "usually", "valid", "very", "was", "wasn't", "weak", "what", "when", "where", "which", "who",
      "why", "will", "with", "won't", "wrong", "you", "your", "yours",
  };
  // clang-format on
  static_assert(std::is_sorted(std::begin(kWords), std::end(kWords)), "keep kWords sorted");
  return std::binary_search(std::begin(kWords), std::end(kWords), lower);
}

// Words after a number that make it a length, not a PIN or password ("12 characters").
bool IsLengthWord(std::string_view lower) {
  return lower.starts_with("char") || lower.starts_with("digit") || lower.starts_with("letter") ||
         lower.starts_with("symbol") || lower == "long" || lower.starts_with("자") ||
         lower.starts_with("글자") || lower.starts_with("자리");
}

bool IsSentencePunct(char c) {
  return c == '.' || c == ',' || c == ';' || c == ':';
}

struct Value {
  size_t begin = 0, end = 0;
  std::string_view hangul_suffix;  // the Korean text glued after the value ("로", "입니다")
};

// Extracts the password value starting at `pos` (just after the phrase). Quoted values run
// to the matching quote; others to whitespace. A Korean ending glued to an ASCII value
// ("abc123이에요") is cut off; trailing sentence punctuation and unmatched closing brackets
// are dropped ("secret123." -> "secret123"). Returns false when there is no plausible value.
// Looks at most kMaxValueLen + 1 bytes ahead, so many phrases in one long run stay linear.
constexpr size_t kMaxValueLen = 128;

bool ExtractValue(std::string_view text, size_t pos, bool url_query, Value* v) {
  const size_t n = text.size();
  if (pos >= n) return false;
  // Quoted value.
  const char q = text[pos];
  if (q == '"' || q == '\'' || q == '`') {
    const std::string_view ahead = text.substr(pos + 1, kMaxValueLen + 1);
    const size_t close = ahead.find(q);
    if (close != std::string_view::npos && close > 0 && close <= kMaxValueLen &&
        ahead.substr(0, close).find('\n') == std::string_view::npos) {
      v->begin = pos + 1;
      v->end = pos + 1 + close;
      return true;
    }
    ++pos;  // unmatched quote: treat as unquoted
  }
  size_t b = pos, e = pos;
  const size_t limit = std::min(n, pos + kMaxValueLen + 1);
  size_t hangul_at = std::string_view::npos;
  bool ended = false;  // stopped at a delimiter, not at the length limit
  while (e < limit) {
    size_t len;
    const char32_t cp = utf8::Decode(text, e, &len);
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 ||
        (url_query && cp == '&')) {
      ended = true;
      break;
    }
    if (IsHangul(cp)) {
      if (e == b) return false;  // Korean values are words, not passwords (see header)
      hangul_at = e;
      ended = true;
      break;
    }
    e += len;
  }
  if (!ended && e < n) return false;  // longer than any password we report
  if (hangul_at != std::string_view::npos) {
    // Enough of the Korean ending to recognize "로", "으로", "자리", "글자".
    const size_t suffix_limit = std::min(n, hangul_at + 12);
    size_t suffix_end = hangul_at;
    while (suffix_end < suffix_limit) {
      size_t len;
      if (!IsHangul(utf8::Decode(text, suffix_end, &len))) break;
      suffix_end += len;
    }
    v->hangul_suffix = Sub(text, hangul_at, std::min(suffix_end, n));
  }
  // Drop trailing quotes, sentence punctuation and unmatched closing brackets.
  while (e > b) {
    const char c = text[e - 1];
    const std::string_view cur = Sub(text, b, e);
    if (IsSentencePunct(c) || c == '"' || c == '\'' || c == '`') {
      --e;
    } else if ((c == ')' && cur.find('(') == std::string_view::npos) ||
               (c == ']' && cur.find('[') == std::string_view::npos) ||
               (c == '}' && cur.find('{') == std::string_view::npos)) {
      --e;
    } else if (e - b >= 3 && std::string_view(text.data() + e - 3, 3) == "\xE2\x80\x9D") {
      e -= 3;  // closing curly quote
    } else {
      break;
    }
  }
  if (e == b || e - b > kMaxValueLen) return false;
  v->begin = b;
  v->end = e;
  return true;
}

bool IsPlaceholderValue(std::string_view value) {
  if (value.front() == '<' || value.front() == '{' || value.front() == '$' ||
      value.front() == '%' || value.starts_with("...") || value.starts_with("\xE2\x80\xA6")) {
    return true;
  }
  // "********", "••••", "xxxx", "????"
  bool masked = true;
  for (size_t i = 0; i < value.size();) {
    size_t len;
    const char32_t cp = utf8::Decode(value, i, &len);
    if (cp != '*' && cp != 'x' && cp != 'X' && cp != '?' && cp != 0x2022 && cp != 0x25CF) {
      masked = false;
      break;
    }
    i += len;
  }
  return masked;
}

std::string NormalizePhrase(std::string_view phrase) {
  std::string out;
  bool space = false;
  for (char c : phrase) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  if (!out.empty() && out.front() == '_') out.erase(0, 1);
  return utf8::AsciiLower(out);
}

// True when `value`, found after a loose phrase (families 8-10, or "pass"), looks like a
// password rather than a word of the sentence: 6-64 characters without spaces, mixing
// letters and digits, letters and symbols, or digits and symbols; not a URL, an e-mail
// address, a path or a command-line flag, a placeholder ("xxxx", "<pw>"), or a term
// made of plain words and numbers joined by punctuation ("COVID-19", "10:30", "e-mail",
// "file.txt"). A trailing "!" or "?" is not counted as a symbol ("great!").
bool LooksLikePassword(std::string_view value) {
  if (value.size() < 6 || value.size() > 64) return false;
  if (IsPlaceholderValue(value)) return false;
  for (char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) return false;
  }
  if (value.front() == '/' || value.front() == '~' || value.front() == '-' ||
      value.front() == '\\') {
    return false;
  }
  if (value.find('<') != std::string_view::npos && value.find('>') != std::string_view::npos) {
    return false;
  }
  const std::string lower = utf8::AsciiLower(value);
  if (lower.find("://") != std::string::npos || lower.starts_with("www.")) return false;
  const size_t at = lower.rfind('@');
  if (at != std::string::npos && at > 0) {
    const std::string_view domain = std::string_view(lower).substr(at + 1);
    const size_t dot = domain.rfind('.');
    if (dot != std::string_view::npos && dot > 0 && domain.size() - dot > 2 &&
        std::all_of(domain.begin() + static_cast<std::ptrdiff_t>(dot) + 1, domain.end(),
                    [](char c) { return c >= 'a' && c <= 'z'; })) {
      return false;  // an e-mail address
    }
  }
  std::string_view core = value;
  while (!core.empty() && (core.back() == '!' || core.back() == '?')) core.remove_suffix(1);
  bool letter = false, digit = false, symbol = false;
  bool term_symbols_only = true;  // every symbol is word or number punctuation
  bool single_class_runs = true;  // every alphanumeric run is all letters or all digits
  int run_kind = 0;               // 0 none, 1 letters, 2 digits, 3 mixed
  for (char ch : core) {
    const auto c = static_cast<unsigned char>(ch);
    int kind = 0;
    if (c >= '0' && c <= '9') {
      digit = true;
      kind = 2;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) {
      letter = true;  // non-ASCII letters count as letters
      kind = 1;
    } else {
      symbol = true;
      if (std::string_view("-._,'/:").find(ch) == std::string_view::npos) {
        term_symbols_only = false;
      }
    }
    if (kind == 0) {
      run_kind = 0;
    } else if (run_kind == 0) {
      run_kind = kind;
    } else if (run_kind != kind) {
      run_kind = 3;
      single_class_runs = false;
    }
  }
  if (!((letter && digit) || (letter && symbol) || (digit && symbol))) return false;
  if (term_symbols_only && single_class_runs) return false;
  return true;
}

// True when the word starting at `i` begins a clause: nothing but spaces and tabs between it
// and the start of the text, a line break, or punctuation.
bool IsClauseStart(std::string_view text, size_t i) {
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
  return i == 0 || !IsAsciiAlnum(static_cast<unsigned char>(text[i - 1]));
}

// The phrase's first word, lower-cased ("password" of "Password: "), skipping a leading '_'.
std::string FirstWord(std::string_view phrase, size_t* begin = nullptr) {
  size_t b = 0;
  while (b < phrase.size() && phrase[b] == '_') ++b;
  size_t e = b;
  while (e < phrase.size() && IsAsciiAlnum(static_cast<unsigned char>(phrase[e]))) ++e;
  if (begin != nullptr) *begin = b;
  return utf8::AsciiLower(phrase.substr(b, e - b));
}

class PasswordRecognizer : public Recognizer {
 public:
  PasswordRecognizer() : re_(PasswordPattern(), Options()) {
    assert(re_.ok() && re_.NumberOfCapturingGroups() == kPasswordGroups + 1);
    for (int g = kFirstLooseFamily; g <= kPasswordFamilyCount; ++g) {
      loose_.push_back(
          std::make_unique<RE2>(std::string("(?i)") + kPasswordFamilies[g - 1], Options()));
      assert(loose_.back()->ok());
    }
  }

  std::string_view name() const override { return "password"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    re2::StringPiece groups[kPasswordGroups + 2];
    size_t pos = 0;
    while (pos < text.size()) {
      if (!re_.Match(text, pos, text.size(), RE2::UNANCHORED, groups, kPasswordGroups + 2)) {
        break;
      }
      const size_t mb = Offset(text, groups[0]);
      const size_t me = mb + groups[0].size();
      pos = std::max(me, mb + 1);
      int family = kPasswordGroups + 1;  // a trigger word only
      for (int g = 1; g <= kPasswordGroups; ++g) {
        if (groups[g].data() != nullptr) {
          family = g;
          break;
        }
      }
      std::optional<Span> s;
      if (family <= kPasswordGroups) s = TryPhrase(text, family, mb, me);
      if (!s) s = TryLoose(text, mb);
      if (!s) continue;
      pos = std::max(pos, s->end);
      out.push_back(std::move(*s));
    }
  }

 private:
  static RE2::Options Options() {
    RE2::Options o;
    o.set_log_errors(false);
    return o;
  }

  // The first loose family (8-10) whose phrase starts at `mb` and whose value is plausible.
  std::optional<Span> TryLoose(std::string_view text, size_t mb) const {
    // Password words start families 8 and 10, login words family 9.
    const bool password_word = (text[mb] | 0x20) == 'p' || text[mb] == '_';
    for (int g = kFirstLooseFamily; g <= kPasswordFamilyCount; ++g) {
      if ((g == 9) == password_word) continue;
      re2::StringPiece phrase;
      if (!loose_[static_cast<size_t>(g - kFirstLooseFamily)]->Match(
              text, mb, text.size(), RE2::ANCHOR_START, &phrase, 1)) {
        continue;
      }
      if (std::optional<Span> s = TryPhrase(text, g, mb, mb + phrase.size())) return s;
    }
    return std::nullopt;
  }

  // The password after the phrase text[mb, me) of `family`, when it is plausible.
  static std::optional<Span> TryPhrase(std::string_view text, int family, size_t mb, size_t me) {
    const bool url_query = mb > 0 && (text[mb - 1] == '?' || text[mb - 1] == '&');
    Value v;
    if (!ExtractValue(text, me, url_query, &v)) return std::nullopt;
    const std::string_view phrase = Sub(text, mb, me);
    size_t keyword_at = 0;
    const std::string keyword = FirstWord(phrase, &keyword_at);
    const bool pass_word = (family == 1 || family == kPasswordFamilyCount) && keyword == "pass";
    if (pass_word && !IsClauseStart(text, mb + keyword_at)) return std::nullopt;
    if (!Plausible(family, text, v)) return std::nullopt;
    const bool loose = family >= kFirstLooseFamily || pass_word;
    if (loose && !LooksLikePassword(Sub(text, v.begin, v.end))) return std::nullopt;
    Span s;
    s.type = EntityType::kPassword;
    s.begin = v.begin;
    s.end = v.end;
    s.score = loose ? 0.8 : family == 4 || family == 6 ? 0.85 : 0.9;
    s.recognizer = "password";
    if (family == 8) {
      s.reasons.push_back("password phrase 'it's' after '" + keyword + "'");
    } else if (family == 9) {
      s.reasons.push_back("user and password pair after '" + keyword + "'");
    } else if (family == kPasswordFamilyCount) {
      s.reasons.push_back("password phrase '" + keyword + "'");
    } else {
      s.reasons.push_back("password phrase '" + NormalizePhrase(phrase) + "'");
    }
    if (loose) s.reasons.push_back("value looks like a password");
    return s;
  }

  static bool Plausible(int family, std::string_view text, const Value& v) {
    const std::string_view value = Sub(text, v.begin, v.end);
    if (IsPlaceholderValue(value)) return false;
    std::string lower = utf8::AsciiLower(value);
    // "(hidden)" and "[required]" are labels, not values.
    std::string_view bare = lower;
    while (!bare.empty() && (bare.front() == '(' || bare.front() == '[')) bare.remove_prefix(1);
    while (!bare.empty() && (bare.back() == ')' || bare.back() == ']')) bare.remove_suffix(1);
    if (bare.empty() || IsNonValueWord(bare)) return false;
    const bool digits =
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (family == 4 && (!digits || value.size() < 4 || value.size() > 8)) return false;
    if (family == 7 &&
        !(v.hangul_suffix.starts_with("로") || v.hangul_suffix.starts_with("으로"))) {
      return false;
    }
    if (digits) {
      // "the password is 12 characters long", "비밀번호는 8자리"
      if (v.hangul_suffix.starts_with("자") || v.hangul_suffix.starts_with("글자")) return false;
      size_t i = v.end;
      while (i < text.size() && text[i] == ' ') ++i;
      size_t j = i;
      const size_t word_limit = std::min(text.size(), i + 16);  // length words are short
      while (j < word_limit && text[j] != ' ' && text[j] != '.' && text[j] != ',') ++j;
      if (j > i && IsLengthWord(utf8::AsciiLower(Sub(text, i, j)))) return false;
    }
    return true;
  }

  RE2 re_;                                   // the strict families and the loose trigger words
  std::vector<std::unique_ptr<RE2>> loose_;  // family g at index g - kFirstLooseFamily
};

}  // namespace

std::vector<std::unique_ptr<Recognizer>> MakeSecretRecognizers() {
  std::vector<std::unique_ptr<Recognizer>> out;
  out.push_back(std::make_unique<CredentialRecognizer>());
  out.push_back(std::make_unique<PasswordRecognizer>());
  return out;
}

}  // namespace ptmo::privacy
