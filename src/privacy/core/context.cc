#include "privacy/core/context.h"

#include <algorithm>
#include <map>

#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

struct Word {
  size_t begin, end;
};

// Collects up to `n` words ending before byte `pos`, nearest first.
std::vector<Word> WordsBefore(std::string_view text, size_t pos, int n) {
  std::vector<Word> words;
  // Walk back over code points; a word is a maximal run of word characters.
  size_t i = pos;
  while (i > 0 && static_cast<int>(words.size()) < n) {
    // Skip separators.
    size_t end = i;
    while (end > 0) {
      size_t s = end - 1;
      while (s > 0 && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
      size_t len;
      char32_t cp = utf8::Decode(text, s, &len);
      if (utf8::IsWordChar(cp)) break;
      end = s;
    }
    if (end == 0) break;
    size_t begin = end;
    while (begin > 0) {
      size_t s = begin - 1;
      while (s > 0 && (static_cast<unsigned char>(text[s]) & 0xC0) == 0x80) --s;
      size_t len;
      char32_t cp = utf8::Decode(text, s, &len);
      if (!utf8::IsWordChar(cp)) break;
      begin = s;
    }
    words.push_back({begin, end});
    i = begin;
  }
  return words;
}

std::vector<Word> WordsAfter(std::string_view text, size_t pos, int n) {
  std::vector<Word> words;
  size_t i = pos;
  while (i < text.size() && static_cast<int>(words.size()) < n) {
    size_t len;
    while (i < text.size() && !utf8::IsWordChar(utf8::Decode(text, i, &len))) i += len;
    if (i >= text.size()) break;
    size_t begin = i;
    while (i < text.size() && utf8::IsWordChar(utf8::Decode(text, i, &len))) i += len;
    words.push_back({begin, i});
  }
  return words;
}

bool IsAsciiWord(std::string_view w) {
  return std::all_of(w.begin(), w.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// ASCII context words match whole words; non-ASCII (Korean) words match as prefixes,
// because Korean attaches particles to nouns ("카드번호는" = "카드번호" + "는").
bool Matches(std::string_view word_lower, const std::string& ctx) {
  if (IsAsciiWord(ctx)) return word_lower == ctx;
  return word_lower.substr(0, ctx.size()) == ctx;
}

}  // namespace

bool HasContextWord(std::string_view text, size_t begin, size_t end,
                    const std::vector<std::string>& words, int window, std::string* found) {
  if (words.empty()) return false;
  auto check = [&](const std::vector<Word>& ws) {
    for (const Word& w : ws) {
      std::string lower = utf8::AsciiLower(text.substr(w.begin, w.end - w.begin));
      for (const std::string& c : words) {
        // Multi-word context phrases ("date of birth") are matched on their last word here;
        // recognizers needing exact phrases check them with their own patterns.
        if (Matches(lower, c)) {
          if (found != nullptr) *found = c;
          return true;
        }
      }
    }
    return false;
  };
  return check(WordsBefore(text, begin, window)) || check(WordsAfter(text, end, window));
}

const std::vector<std::string>& DefaultBoostWords(EntityType type) {
  static const std::map<EntityType, std::vector<std::string>> kWords = {
      {EntityType::kEmail, {"email", "e-mail", "mail", "contact", "이메일", "메일"}},
      {EntityType::kPhone,
       {"phone", "call", "mobile", "cell", "tel", "telephone", "number", "fax", "text", "전화",
        "전화번호", "휴대폰", "핸드폰", "연락처"}},
      {EntityType::kUrl, {"website", "url", "link", "site", "domain", "visit"}},
      {EntityType::kIpAddress, {"ip", "ipv4", "ipv6", "address", "server", "host", "주소"}},
      {EntityType::kMacAddress, {"mac", "hardware", "ethernet", "wifi", "device"}},
      {EntityType::kCreditCard,
       {"card", "credit", "debit", "visa", "mastercard", "amex", "cc", "payment", "카드",
        "신용카드", "카드번호"}},
      {EntityType::kIban, {"iban", "bank", "account", "transfer", "wire", "계좌"}},
      {EntityType::kUsSsn, {"ssn", "social", "security", "ssns"}},
      {EntityType::kUsItin, {"itin", "taxpayer", "tax", "irs"}},
      {EntityType::kKrRrn,
       {"주민등록번호", "주민번호", "주민", "외국인등록번호", "rrn", "resident", "registration"}},
      {EntityType::kPassport, {"passport", "여권", "여권번호"}},
      {EntityType::kDriverLicense,
       {"license", "licence", "driver", "driving", "dl", "운전면허", "면허", "면허번호"}},
      {EntityType::kBankAccount,
       {"account", "acct", "bank", "routing", "checking", "savings", "계좌", "계좌번호", "은행"}},
      {EntityType::kCryptoWallet,
       {"wallet", "bitcoin", "btc", "ethereum", "eth", "crypto", "address", "지갑"}},
      {EntityType::kSecret,
       {"key", "token", "secret", "api", "apikey", "credential", "auth", "bearer", "키", "토큰"}},
      {EntityType::kPassword,
       {"password", "passwd", "pw", "pwd", "passcode", "비밀번호", "암호", "패스워드"}},
      {EntityType::kDateOfBirth, {"born", "birth", "birthday", "dob", "생년월일", "생일", "출생"}},
      {EntityType::kDate, {"date", "on", "날짜"}},
      {EntityType::kPerson, {"mr", "mrs", "ms", "dr", "name", "named", "called", "씨", "님"}},
      {EntityType::kLocation,
       {"live", "lives", "address", "street", "city", "in", "at", "주소", "거주"}},
      {EntityType::kOrganization,
       {"company", "work", "works", "employer", "inc", "corp", "회사", "직장"}},
  };
  static const std::vector<std::string> kNone;
  auto it = kWords.find(type);
  return it == kWords.end() ? kNone : it->second;
}

const std::vector<std::string>& DefaultSuppressWords() {
  static const std::vector<std::string> kWords = {"example",     "sample", "dummy", "fake",
                                                  "placeholder", "test",   "예시",  "샘플"};
  return kWords;
}

void EnhanceWithContext(std::string_view text, std::vector<Span>& spans,
                        const ContextOptions& options) {
  for (Span& s : spans) {
    std::string word;
    if (HasContextWord(text, s.begin, s.end, DefaultBoostWords(s.type), options.window, &word)) {
      s.score = std::min(1.0, s.score + options.boost);
      s.reasons.push_back("context word '" + word + "'");
    }
    if (HasContextWord(text, s.begin, s.end, DefaultSuppressWords(), options.window, &word)) {
      s.score = std::max(0.0, s.score - options.suppress);
      s.reasons.push_back("lowered by context word '" + word + "'");
    }
  }
}

}  // namespace ptmo::privacy
