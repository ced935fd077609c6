// The NER tokenizer: splits UTF-8 text into words, numbers, punctuation and line breaks, with
// byte offsets into the original text.
//
// Rules: a word is a maximal run of letters, digits and combining marks (any script); every
// other non-space code point (punctuation, symbols, emoji) is a token of its own; a run of
// white space that contains a line break becomes one newline token (line structure matters
// for multi-line postal addresses); other white space separates tokens and is dropped.
// Korean particles are split off the word they are glued to ("서울에서" -> "서울" + "에서"),
// so the stem can be tagged alone.
//
// Particle splitting: when a word ends in Hangul, the longest particle among 은 는 이 가 을
// 를 의 에 에서 에게 한테 와 과 로 으로 께 께서 님 씨 까지 부터 처럼 보다, or a copula or
// ending glued to a noun (입니다 이에요 예요 이야 이다 이고 이며 이라고 라고 이라는 라는 이랑
// 였다 이었다 였어요 이었어요 였습니다 이었습니다), is split off when at least one code point
// remains. The vocative 아/야 is not split: too many given names end in it (수아, 지아). After an
// outer particle (the topic, subject, object and genitive particles, the copulas and endings, and
// 도) one more particle may be split when it is one that such a particle can follow (에, 에서,
// 에게, 한테, 께, 께서, 님, 씨, 와, 과, 로, 으로, 까지, 부터, 처럼, 보다): "김민수씨는" -> "김민수"
// "씨" "는", "서울에서는" -> "서울" "에서" "는", while "김지은은" -> "김지은" "은". "도" ("also")
// is split only after another particle
// ("서울에서도"), since alone it ends too many place names (경기도, 제주도).
// A wrong split (a word that merely ends like a particle) costs little: the tagger sees the
// split-off part as a glued particle token and may keep it inside the entity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace ptmo::privacy::ner {

enum class TokenKind : uint8_t {
  kWord,     // letters (possibly with digits)
  kNumber,   // digits only
  kPunct,    // one punctuation, symbol or emoji code point
  kNewline,  // a run of white space containing at least one line break
};

struct Token {
  size_t begin = 0;  // byte offsets into the text, end exclusive
  size_t end = 0;
  TokenKind kind = TokenKind::kWord;
  bool space_before = true;  // white space or the start of the text precedes the token
  bool particle = false;     // a Korean particle split off the preceding word
};

// Tokenizes `text` (valid UTF-8; invalid bytes are treated as single punctuation tokens)
// into `out`, which is cleared first. Linear time; allocates only to grow `out`.
// Thread-safe (no shared state).
void Tokenize(std::string_view text, std::vector<Token>& out);

inline std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> out;
  Tokenize(text, out);
  return out;
}

// True for Hangul syllables and jamo.
bool IsHangul(char32_t cp);

}  // namespace ptmo::privacy::ner
