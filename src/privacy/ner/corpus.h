// The NER training corpus: labelled sentences generated from templates and word lists.
//
// Data files (under data/ner/, plain UTF-8 text, one entry per line, '#' starts a comment):
//   gazetteers/<list>.txt   word lists: names, places, organizations, fillers (see docs/ner.md)
//   templates_en.txt, templates_ko.txt   sentence templates
//   address_formats.txt     postal address layouts ("ko:" prefix for Korean ones)
//
// Template syntax: literal text with
//   {SLOT}        a value: entity slots (PERSON, FIRST, LAST, CITY, COUNTRY, STATE, GPE,
//                 DISTRICT, ADDRESS, STREET_ADDRESS, STREET, ORG, COMPANY, EN_PERSON, EN_ORG) are
//                 labelled; filler slots (NUM, YEAR, DATE, TIME, MONTH, WEEKDAY, EMAIL, URL,
//                 PHONE, CARD, JOB, PRODUCT, NATIONALITY, MONEY, AGE, WORD, CODE, IBAN,
//                 TITLEWORDS, WORDS, KO_NOUN (an everyday Korean noun), TECH (a technical
//                 term or acronym), NUMS (number lists, measurements, tracking numbers))
//                 are not.
//   [a|b|c]       one of the alternatives (which may hold slots, but no nested [..])
//   (은/는)       after a slot: the Korean particle form that fits the value's last syllable
//                 (pairs 은/는, 이/가, 을/를, 과/와, 으로/로, 아/야, 이에요/예요, 이랑/랑,
//                 이나/나, 이라고/라고, 이야/야, 이라는/라는)
//   \n            a line break
// Generation is deterministic: the same data and seed give the same sentences.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/core/entity.h"
#include "privacy/ner/gazetteer.h"
#include "util/status.h"

namespace ptmo::privacy::ner {

struct LabeledSpan {
  size_t begin = 0;  // byte offsets into the sentence, end exclusive
  size_t end = 0;
  EntityType type = EntityType::kPerson;
};

struct LabeledSentence {
  std::string text;
  std::vector<LabeledSpan> spans;  // sorted, non-overlapping
};

struct CorpusData {
  // Word lists by file stem ("first_names", "cities", ...), entries in file order.
  std::map<std::string, std::vector<std::string>, std::less<>> lists;
  std::vector<std::string> templates_en;
  std::vector<std::string> templates_ko;
  std::vector<std::string> address_en;
  std::vector<std::string> address_ko;

  // The list named `name`, or an empty list.
  const std::vector<std::string>& List(std::string_view name) const;
};

// Reads the corpus data under `dir` (normally DataDir() + "/ner"). Fails with kNotFound for a
// missing file, kInvalidArgument (naming file and line) for an unknown slot, an unclosed
// brace or bracket, invalid UTF-8 or a list that the generator needs but is empty.
Expected<CorpusData> LoadCorpusData(const std::string& dir);

// The gazetteer of the word lists: which list gives which category is fixed here (for
// example first_names -> kGazFirstName, common_words -> kGazCommonWord). Lists that only
// feed the generator (street name words, organization name parts) are not included.
Gazetteer BuildGazetteer(const CorpusData& data);

struct CorpusOptions {
  uint64_t seed = 1;
  double korean_fraction = 0.25;     // sentences drawn from templates_ko
  double lowercase_fraction = 0.06;  // whole sentence lower-cased (English)
  double uppercase_fraction = 0.02;  // whole sentence upper-cased (English)
  double synthetic_fraction = 0.3;   // names and places invented by splicing two list entries
  // Sentences drawn only from the templates that use {WORDS} (random filler words around an
  // entity), which teach what names look like when the context says nothing.
  double random_context_fraction = 0.15;
};

// Draws labelled sentences one at a time. Not thread-safe (it owns a random generator).
class CorpusGenerator {
 public:
  // `data` must outlive the generator.
  CorpusGenerator(const CorpusData& data, const CorpusOptions& options);
  ~CorpusGenerator();

  LabeledSentence Next();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `count` sentences from a fresh generator.
std::vector<LabeledSentence> GenerateCorpus(const CorpusData& data, const CorpusOptions& options,
                                            size_t count);

// A small deterministic random generator (SplitMix64), identical on every platform, unlike
// the std:: distributions.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

 private:
  uint64_t state_;
};

}  // namespace ptmo::privacy::ner
