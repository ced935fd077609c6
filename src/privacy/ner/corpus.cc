#include "privacy/ner/corpus.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>

#include "util/file.h"
#include "util/utf8.h"

namespace ptmo::privacy::ner {
namespace {

// Which list feeds which gazetteer category. Lists not named here only feed the generator.
struct ListCategory {
  std::string_view list;
  uint32_t flags;
};
constexpr std::array<ListCategory, 26> kListCategories = {{
    {"first_names", kGazFirstName},
    {"last_names", kGazLastName},
    {"titles", kGazTitle},
    {"cities", kGazCity},
    {"countries", kGazCountry},
    {"regions", kGazRegion},
    {"districts", kGazDistrict},
    {"unit_words", kGazUnit},
    {"org_suffixes", kGazOrgSuffix},
    {"org_words", kGazOrgWord},
    {"org_names", kGazOrgName},
    {"common_words", kGazCommonWord},
    {"nationalities", kGazNationality},
    {"date_words", kGazDateWord},
    {"job_titles", kGazJobWord},
    {"products", kGazProduct},
    {"ko_surnames", kGazKoSurname},
    {"ko_given_names", kGazKoGiven},
    {"ko_cities", kGazCity},
    {"ko_districts", kGazDistrict},
    {"ko_orgs", kGazOrgName},
    {"ko_countries", kGazCountry},
    {"ko_jobs", kGazJobWord},
    {"ko_org_suffixes", kGazOrgWord},
    {"ko_common_nouns", kGazCommonWord},
    {"tech_terms", kGazProduct},
}};

// Lists the generator cannot work without.
constexpr std::array<std::string_view, 29> kRequiredLists = {
    "first_names",   "last_names",     "titles",          "cities",       "countries",
    "regions",       "districts",      "street_types",    "street_names", "unit_words",
    "org_suffixes",  "org_words",      "org_names",       "org_parts",    "common_words",
    "nationalities", "date_words",     "job_titles",      "products",     "state_abbreviations",
    "ko_surnames",   "ko_given_names", "ko_cities",       "ko_districts", "ko_roads",
    "ko_orgs",       "ko_countries",   "ko_common_nouns", "tech_terms"};

constexpr std::array<std::string_view, 15> kEntitySlots = {
    "PERSON",  "FIRST",          "LAST",   "CITY", "COUNTRY", "STATE",     "GPE",   "DISTRICT",
    "ADDRESS", "STREET_ADDRESS", "STREET", "ORG",  "COMPANY", "EN_PERSON", "EN_ORG"};
constexpr std::array<std::string_view, 23> kFillerSlots = {
    "NUM",   "YEAR", "DATE",       "TIME",    "MONTH",       "WEEKDAY", "EMAIL", "URL",
    "PHONE", "CARD", "JOB",        "PRODUCT", "NATIONALITY", "MONEY",   "AGE",   "WORD",
    "CODE",  "IBAN", "TITLEWORDS", "WORDS",   "KO_NOUN",     "TECH",    "NUMS"};
constexpr std::array<std::string_view, 19> kAddressSlots = {
    "NUM",         "NUM2",    "STREET",  "SEC",         "CITY",  "STATE", "ST",
    "ZIP",         "POST",    "COUNTRY", "DISTRICT",    "MIL",   "LAST",  "KO_CITY",
    "KO_DISTRICT", "KO_ROAD", "KO_DONG", "KO_BUILDING", "REGION"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& a, std::string_view s) {
  return std::find(a.begin(), a.end(), s) != a.end();
}

Expected<std::vector<std::string>> ReadLines(const std::string& path, bool keep_comments_in_line) {
  PTMO_ASSIGN_OR_RETURN(std::string text, ReadFile(path, size_t{64} << 20));
  if (auto bad = utf8::FindInvalid(text)) {
    return InvalidArgument("'" + path + "': invalid UTF-8 at byte " + std::to_string(*bad));
  }
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '#') {
      lines.emplace_back();  // keep line numbers stable
      continue;
    }
    if (!keep_comments_in_line) {
      size_t hash = line.find(" #");
      if (hash != std::string::npos) line.resize(hash);
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    size_t start = 0;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
    lines.push_back(line.substr(start));
  }
  return lines;
}

// Checks the syntax of one template or address format line.
Status CheckTemplate(const std::string& where, std::string_view t, bool address) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{') {
      size_t close = t.find('}', i);
      if (close == std::string_view::npos) return InvalidArgument(where + ": unclosed '{'");
      std::string_view slot = t.substr(i + 1, close - i - 1);
      bool known = address ? Contains(kAddressSlots, slot)
                           : (Contains(kEntitySlots, slot) || Contains(kFillerSlots, slot));
      if (!known) return InvalidArgument(where + ": unknown slot {" + std::string(slot) + "}");
      i = close;
    } else if (t[i] == '[') {
      size_t close = t.find(']', i);
      if (close == std::string_view::npos) return InvalidArgument(where + ": unclosed '['");
      std::string_view body = t.substr(i + 1, close - i - 1);
      if (body.find('[') != std::string_view::npos) {
        return InvalidArgument(where + ": alternatives [..] may not be nested");
      }
      // Slots inside alternatives are checked like any other.
      PTMO_RETURN_IF_ERROR(CheckTemplate(where, body, address));
      i = close;
    }
  }
  return Status::Ok();
}

// Simple Unicode case mapping of every code point.
std::string MapCase(std::string_view s, bool upper) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t len;
    char32_t cp = utf8::Decode(s, i, &len);
    i += len;
    UChar32 c = static_cast<UChar32>(cp);
    utf8::Append(static_cast<char32_t>(upper ? u_toupper(c) : u_tolower(c)), out);
  }
  return out;
}

std::string Capitalize(std::string_view s) {
  if (s.empty()) return std::string(s);
  size_t len;
  char32_t cp = utf8::Decode(s, 0, &len);
  std::string out;
  utf8::Append(static_cast<char32_t>(u_toupper(static_cast<UChar32>(cp))), out);
  out.append(s.substr(len));
  return out;
}

// The particle pairs a template may write after a slot: form after a final consonant first.
bool IsParticlePair(std::string_view pair) {
  static constexpr std::array<std::string_view, 12> kPairs = {
      "은/는",       "이/가",   "을/를",   "과/와",       "으로/로", "아/야",
      "이에요/예요", "이랑/랑", "이나/나", "이라고/라고", "이야/야", "이라는/라는"};
  return std::find(kPairs.begin(), kPairs.end(), pair) != kPairs.end();
}

bool HasFinalConsonant(char32_t cp, bool* is_rieul) {
  *is_rieul = false;
  if (cp < 0xAC00 || cp > 0xD7A3) return false;
  int final = static_cast<int>((cp - 0xAC00) % 28);
  *is_rieul = final == 8;
  return final != 0;
}

}  // namespace

const std::vector<std::string>& CorpusData::List(std::string_view name) const {
  static const std::vector<std::string> kEmpty;
  auto it = lists.find(name);
  return it == lists.end() ? kEmpty : it->second;
}

Expected<CorpusData> LoadCorpusData(const std::string& dir) {
  CorpusData data;
  auto read_list = [&](std::string_view name) -> Status {
    std::string path = dir + "/gazetteers/" + std::string(name) + ".txt";
    PTMO_ASSIGN_OR_RETURN(auto lines, ReadLines(path, false));
    std::vector<std::string>& out = data.lists[std::string(name)];
    for (auto& l : lines) {
      if (!l.empty()) out.push_back(std::move(l));
    }
    if (out.empty()) return InvalidArgument("word list '" + path + "' is empty");
    return Status::Ok();
  };
  for (std::string_view name : kRequiredLists) PTMO_RETURN_IF_ERROR(read_list(name));
  for (const auto& lc : kListCategories) {
    if (data.lists.count(lc.list) == 0) PTMO_RETURN_IF_ERROR(read_list(lc.list));
  }
  auto read_templates = [&](const std::string& file, bool address, std::vector<std::string>* en,
                            std::vector<std::string>* ko) -> Status {
    std::string path = dir + "/" + file;
    PTMO_ASSIGN_OR_RETURN(auto lines, ReadLines(path, true));
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string_view line = lines[i];
      if (line.empty()) continue;
      std::vector<std::string>* target = en;
      if (address && line.substr(0, 3) == "ko:") {
        line.remove_prefix(3);
        target = ko;
      }
      PTMO_RETURN_IF_ERROR(
          CheckTemplate("'" + path + "' line " + std::to_string(i + 1), line, address));
      target->emplace_back(line);
    }
    if (en->empty()) return InvalidArgument("'" + path + "' has no templates");
    return Status::Ok();
  };
  PTMO_RETURN_IF_ERROR(read_templates("templates_en.txt", false, &data.templates_en, nullptr));
  PTMO_RETURN_IF_ERROR(read_templates("templates_ko.txt", false, &data.templates_ko, nullptr));
  PTMO_RETURN_IF_ERROR(
      read_templates("address_formats.txt", true, &data.address_en, &data.address_ko));
  if (data.address_ko.empty()) {
    return InvalidArgument("'" + dir + "/address_formats.txt' has no ko: formats");
  }
  return data;
}

Gazetteer BuildGazetteer(const CorpusData& data) {
  Gazetteer g;
  for (const auto& lc : kListCategories) {
    for (const std::string& entry : data.List(lc.list)) g.Add(entry, lc.flags);
  }
  // Street types are listed with their position ("after Street", "glued straße"); the
  // separate words are gazetteer entries.
  for (const std::string& entry : data.List("street_types")) {
    if (entry.rfind("glued ", 0) == 0) continue;
    size_t sp = entry.find(' ');
    if (sp != std::string::npos) g.Add(std::string_view(entry).substr(sp + 1), kGazStreetType);
  }
  for (const std::string& entry : data.List("ko_roads")) g.Add(entry, kGazStreetType);
  return g;
}

struct CorpusGenerator::Impl {
  const CorpusData& d;
  CorpusOptions o;
  Rng rng;
  std::vector<std::string> street_before, street_after, street_glued;
  std::vector<const std::string*> random_context;  // English templates using {WORDS}
  // Sentence state.
  bool ko = false;
  int sentence_case = 0;  // 0 as is, 1 lower, 2 upper

  Impl(const CorpusData& data, const CorpusOptions& options)
      : d(data), o(options), rng(options.seed * 0x2545F4914F6CDD1Dull + 17) {
    for (const std::string& e : d.List("street_types")) {
      size_t sp = e.find(' ');
      if (sp == std::string::npos) continue;
      std::string_view pos = std::string_view(e).substr(0, sp);
      std::string word = e.substr(sp + 1);
      if (pos == "before") street_before.push_back(word);
      if (pos == "after") street_after.push_back(word);
      if (pos == "glued") street_glued.push_back(word);
    }
    if (street_after.empty()) street_after.push_back("Street");
    for (const std::string& t : d.templates_en) {
      if (t.find("{WORDS}") != std::string::npos) random_context.push_back(&t);
    }
  }

  const std::string& Pick(std::string_view list) {
    const auto& v = d.List(list);
    return v[rng.Below(v.size())];
  }
  template <typename T>
  const T& PickOf(const std::vector<T>& v) {
    return v[rng.Below(v.size())];
  }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.Below(10)));
    return s;
  }
  std::string Number(int lo, int hi) {
    return std::to_string(lo + static_cast<int>(rng.Below(hi - lo + 1)));
  }

  // An invented word: the start of one list entry joined to the end of another ("Wer" +
  // "onika" ...), so the tagger meets names that no gazetteer holds.
  std::string Splice(std::string_view list) {
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::u32string a = utf8::ToU32(Pick(list)), b = utf8::ToU32(Pick(list));
      if (a.size() < 3 || b.size() < 3) continue;
      bool simple = true;
      for (char32_t c : a) simple &= u_isalpha(static_cast<UChar32>(c)) != 0;
      for (char32_t c : b) simple &= u_isalpha(static_cast<UChar32>(c)) != 0;
      if (!simple) continue;
      size_t i = 1 + rng.Below(a.size() - 1);
      size_t j = 1 + rng.Below(b.size() - 1);
      std::u32string r = a.substr(0, i);
      for (size_t k = j; k < b.size(); ++k)
        r.push_back(static_cast<char32_t>(u_tolower(static_cast<UChar32>(b[k]))));
      if (r.size() < 3 || r.size() > 13) continue;
      return utf8::FromU32(r);
    }
    return Pick(list);
  }
  std::string Maybe(std::string_view list) {
    return rng.Chance(o.synthetic_fraction) ? Splice(list) : Pick(list);
  }

  // --- entity values ---
  std::string Initial() {
    std::string s(1, static_cast<char>('A' + rng.Below(26)));
    return s;
  }
  std::string EnglishPerson() {
    std::string first = Maybe("first_names"), last = Maybe("last_names");
    double r = rng.Unit();
    if (r < 0.58) return first + " " + last;
    if (r < 0.70) return first + " " + Initial() + ". " + last;
    if (r < 0.76) return first + " " + Initial() + " " + last;
    if (r < 0.82) return first + " " + Maybe("first_names") + " " + last;
    if (r < 0.86) return first + " " + last + "-" + Maybe("last_names");
    if (r < 0.89) return Initial() + ". " + last;
    if (r < 0.90) return last + ", " + first;
    if (r < 0.95) return first + " " + Maybe("last_names") + " " + last;
    return first + " " + last + (rng.Chance(0.5) ? " Jr." : " III");
  }
  std::string KoreanGiven() {
    if (!rng.Chance(o.synthetic_fraction)) return Pick("ko_given_names");
    // Two syllables from two given names.
    std::u32string a = utf8::ToU32(Pick("ko_given_names")), b = utf8::ToU32(Pick("ko_given_names"));
    std::u32string r;
    r.push_back(a[0]);
    r.push_back(b.back());
    return utf8::FromU32(r);
  }
  std::string KoreanPerson() {
    std::string name = Pick("ko_surnames") + KoreanGiven();
    return name;
  }
  std::string Person() { return ko && rng.Chance(0.9) ? KoreanPerson() : EnglishPerson(); }
  std::string First() {
    if (ko && rng.Chance(0.9)) return KoreanGiven();
    return Maybe("first_names");
  }
  std::string Last() {
    if (ko && rng.Chance(0.9)) return Pick("ko_surnames");
    return Maybe("last_names");
  }
  std::string City() {
    if (ko && rng.Chance(0.85)) return rng.Chance(0.7) ? Pick("ko_cities") : Pick("ko_districts");
    return Maybe("cities");
  }
  std::string Country() {
    if (ko && rng.Chance(0.85)) return Pick("ko_countries");
    return Pick("countries");
  }
  std::string State() {
    if (ko && rng.Chance(0.85)) return Pick("ko_cities");
    return Pick("regions");
  }
  std::string District() {
    if (ko && rng.Chance(0.85)) return Pick("ko_districts");
    return Pick("districts");
  }
  std::string Gpe() {
    double r = rng.Unit();
    if (r < 0.5) return City();
    if (r < 0.8) return Country();
    if (r < 0.92) return State();
    return District();
  }
  std::string Street() {
    std::string name;
    double r = rng.Unit();
    if (r < 0.45) {
      name = Pick("street_names");
    } else if (r < 0.7) {
      name = Maybe("last_names");
    } else if (r < 0.82) {
      name = Maybe("first_names") + " " + Maybe("last_names");
    } else {
      name = Splice("street_names");
    }
    double s = rng.Unit();
    if (s < 0.5) return name + " " + PickOf(street_after);
    if (s < 0.75 && !street_before.empty()) {
      const std::string& t = PickOf(street_before);
      return t + " " + name;
    }
    if (!street_glued.empty()) {
      // Compound street names ("Hauptstraße", "Koskikatu") need one word.
      std::string word = name.find(' ') == std::string::npos ? name : Maybe("last_names");
      return word + PickOf(street_glued);
    }
    return name + " " + PickOf(street_after);
  }
  std::string Secondary() {
    double r = rng.Unit();
    if (r < 0.35) return "Apt. " + Number(1, 999);
    if (r < 0.6) return "Suite " + Number(100, 999);
    if (r < 0.7) return "Unit " + Number(1, 99);
    if (r < 0.77) return "Apartment " + Number(1, 99);
    if (r < 0.84) return "Floor " + Number(1, 40);
    if (r < 0.9) return "#" + Number(1, 999);
    if (r < 0.95) return "Flat " + Number(1, 60);
    return "Room " + Number(100, 999);
  }
  std::string Postcode() {
    double r = rng.Unit();
    if (r < 0.45) return Digits(5);
    if (r < 0.6) return Digits(4);
    if (r < 0.7) return Digits(6);
    if (r < 0.78) return Digits(2) + "-" + Digits(3);
    if (r < 0.86) return Digits(3) + " " + Digits(2);
    if (r < 0.93) {
      std::string s;
      s += static_cast<char>('A' + rng.Below(26));
      s += static_cast<char>('A' + rng.Below(26));
      s += Digits(1) + " " + Digits(1);
      s += static_cast<char>('A' + rng.Below(26));
      s += static_cast<char>('A' + rng.Below(26));
      return s;
    }
    std::string s;
    s += static_cast<char>('A' + rng.Below(26));
    s += Digits(1);
    s += static_cast<char>('A' + rng.Below(26));
    s += " " + Digits(1);
    s += static_cast<char>('A' + rng.Below(26));
    s += Digits(1);
    return s;
  }
  std::string KoRoad() {
    std::string road = Pick("ko_roads");
    if (rng.Chance(0.3)) road += " " + Number(1, 60) + "길";
    return road;
  }
  std::string AddressSlot(std::string_view slot) {
    if (slot == "NUM") {
      double r = rng.Unit();
      return r < 0.3 ? Number(1, 99) : r < 0.7 ? Number(100, 9999) : Number(10000, 99999);
    }
    if (slot == "NUM2") return Number(1, 199);
    if (slot == "STREET") return Street();
    if (slot == "SEC") return Secondary();
    if (slot == "CITY") {
      std::string c = Maybe("cities");
      return rng.Chance(0.2) ? MapCase(c, true) : c;
    }
    if (slot == "STATE") return Pick("regions");
    if (slot == "REGION") return Pick("regions");
    if (slot == "ST") return Pick("state_abbreviations");
    if (slot == "ZIP") return rng.Chance(0.85) ? Digits(5) : Digits(5) + "-" + Digits(4);
    if (slot == "POST") return Postcode();
    if (slot == "COUNTRY") return Pick("countries");
    if (slot == "DISTRICT") return Pick("districts");
    if (slot == "MIL") {
      static constexpr std::array<const char*, 3> kMil = {"AA", "AE", "AP"};
      return kMil[rng.Below(3)];
    }
    if (slot == "LAST") return Maybe("last_names");
    if (slot == "KO_CITY") return Pick("ko_cities");
    if (slot == "KO_DISTRICT") return Pick("ko_districts");
    if (slot == "KO_ROAD") return KoRoad();
    if (slot == "KO_DONG") {
      std::u32string a = utf8::ToU32(Pick("ko_given_names"));
      return utf8::FromU32(a) + "동";
    }
    if (slot == "KO_BUILDING") {
      static constexpr std::array<const char*, 6> kB = {"아파트",   "빌딩", "타워",
                                                        "오피스텔", "빌라", "센터"};
      return Pick("ko_given_names") + kB[rng.Below(kB.size())];
    }
    return "";
  }
  std::string Address(bool korean) {
    const std::string& fmt = korean ? PickOf(d.address_ko) : PickOf(d.address_en);
    std::string out;
    for (size_t i = 0; i < fmt.size(); ++i) {
      if (fmt[i] == '\\' && i + 1 < fmt.size() && fmt[i + 1] == 'n') {
        // Line breaks in addresses are sometimes followed by a space, as in many exports.
        out += rng.Chance(0.2) ? "\n " : "\n";
        ++i;
      } else if (fmt[i] == '{') {
        size_t close = fmt.find('}', i);
        out += AddressSlot(std::string_view(fmt).substr(i + 1, close - i - 1));
        i = close;
      } else {
        out += fmt[i];
      }
    }
    return out;
  }
  std::string StreetAddress() {
    if (ko && rng.Chance(0.85))
      return Pick("ko_cities") + " " + Pick("ko_districts") + " " + KoRoad() + " " + Number(1, 300);
    double r = rng.Unit();
    if (r < 0.6) return AddressSlot("NUM") + " " + Street();
    if (r < 0.85) return Street() + " " + AddressSlot("NUM2");
    return AddressSlot("NUM") + " " + Street() + ", " + Secondary();
  }
  std::string OrgPart() { return Capitalize(Pick("org_parts")); }
  std::string EnglishOrg() {
    double r = rng.Unit();
    if (r < 0.22) return Pick("org_names");
    if (r < 0.34) {
      std::string a = OrgPart();
      std::string b = MapCase(Pick("org_parts"), false);
      return a + b;  // "Cloudmade"-like compounds
    }
    if (r < 0.48) return OrgPart() + " " + Pick("org_words");
    if (r < 0.60) {
      std::string base = rng.Chance(0.5) ? OrgPart() : Maybe("last_names");
      if (rng.Chance(0.4)) base += " " + Pick("org_words");
      return base + " " + Pick("org_suffixes");
    }
    if (r < 0.66) {
      std::string a = Maybe("last_names"), b = Maybe("last_names");
      double f = rng.Unit();
      if (f < 0.4) return a + " & " + b;
      if (f < 0.7) return a + "-" + b;
      return a + ", " + b + " and " + Maybe("last_names");
    }
    if (r < 0.76) {
      double s = rng.Unit();
      std::string place = rng.Chance(0.7) ? Maybe("cities") : Pick("countries");
      if (s < 0.3) return "University of " + place;
      if (s < 0.5) return place + " " + Pick("org_words");
      if (s < 0.65) return "Bank of " + place;
      if (s < 0.8) return place + " General Hospital";
      return place + " " + OrgPart() + " " + Pick("org_words");
    }
    if (r < 0.90) {
      // Invented one-word brands ("Novadex", "Quantiva"): splices of name parts.
      return Capitalize(Splice("org_parts"));
    }
    if (r < 0.92) return OrgPart() + " " + OrgPart();
    if (r < 0.95) {
      // Possessive names: "St. Anne's Hospital", "Miller's Bakery".
      static constexpr std::array<const char*, 8> kKind = {
          "Hospital", "Church", "School", "College", "Bakery", "Pub", "Garage", "Clinic"};
      std::string who = rng.Chance(0.5) ? "St. " + Pick("first_names") : Maybe("last_names");
      return who + "'s " + kKind[rng.Below(kKind.size())];
    }
    return MapCase(OrgPart() + OrgPart(), true).substr(0, 2 + rng.Below(3));
  }
  std::string KoreanOrg() {
    double r = rng.Unit();
    if (r < 0.55) return Pick("ko_orgs");
    static constexpr std::array<const char*, 16> kSuffix = {
        "전자", "은행", "병원", "대학교", "건설",   "화학",   "제약", "증권",
        "보험", "카드", "통신", "물산",   "중공업", "자동차", "식품", "재단"};
    std::string base = rng.Chance(0.5) ? Pick("ko_given_names") : Pick("ko_cities");
    if (base.size() > 6) base = base.substr(0, 6);
    std::string org = base + kSuffix[rng.Below(kSuffix.size())];
    if (rng.Chance(0.15)) org = (rng.Chance(0.5) ? "(주)" : "주식회사 ") + org;
    return org;
  }
  std::string Org() { return ko && rng.Chance(0.85) ? KoreanOrg() : EnglishOrg(); }

  // --- fillers (never labelled) ---
  std::string Domain() {
    static constexpr std::array<const char*, 10> kTld = {".com", ".net", ".org", ".de", ".co.uk",
                                                         ".io",  ".fr",  ".kr",  ".us", ".info"};
    return MapCase(Pick("org_parts") + (rng.Chance(0.5) ? Pick("org_parts") : ""), false) +
           kTld[rng.Below(kTld.size())];
  }
  std::string Email() {
    std::string f = Pick("first_names"), l = Pick("last_names");
    double r = rng.Unit();
    std::string local;
    if (r < 0.3)
      local = MapCase(f, false) + "." + MapCase(l, false);
    else if (r < 0.55)
      local = f + l;
    else if (r < 0.75)
      local = MapCase(f.substr(0, 1) + l, false) + Number(1, 99);
    else
      local = MapCase(f, false) + Number(1, 999);
    return local + "@" + Domain();
  }
  std::string Url() {
    double r = rng.Unit();
    if (r < 0.5) return "https://www." + Domain() + "/";
    if (r < 0.8) return "www." + Domain();
    return "http://" + Domain() + "/" + MapCase(Pick("common_words"), false);
  }
  std::string Phone() {
    double r = rng.Unit();
    if (r < 0.3) return "(" + Digits(3) + ") " + Digits(3) + "-" + Digits(4);
    if (r < 0.5) return "+1-" + Digits(3) + "-" + Digits(3) + "-" + Digits(4);
    if (r < 0.65) return "010-" + Digits(4) + "-" + Digits(4);
    if (r < 0.8) return "+44 " + Digits(2) + " " + Digits(4) + " " + Digits(4);
    return Digits(3) + "." + Digits(3) + "." + Digits(4);
  }
  std::string Date() {
    static constexpr std::array<const char*, 12> kMonths = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November", "December"};
    std::string year = Number(1950, 2030), day = Number(1, 28);
    std::string month = kMonths[rng.Below(12)];
    if (ko) return year + "년 " + Number(1, 12) + "월 " + day + "일";
    double r = rng.Unit();
    if (r < 0.25) return month + " " + day + ", " + year;
    if (r < 0.45) return day + " " + month + " " + year;
    if (r < 0.65) {
      int m = 1 + static_cast<int>(rng.Below(12));
      return year + "-" + (m < 10 ? "0" : "") + std::to_string(m) + "-" + Number(10, 28);
    }
    if (r < 0.85) return Number(1, 12) + "/" + day + "/" + year;
    return month + " " + year;
  }
  // Numbers that are not addresses: lists, measurements with units, version numbers and
  // tracking or order numbers.
  std::string Numbers() {
    static constexpr std::array<const char*, 14> kUnits = {"Hz", "GB", "MB", "ms", "kg", "km", "cm",
                                                           "mm", "F",  "C",  "W",  "V",  "px", "%"};
    double r = rng.Unit();
    if (r < 0.3) {
      std::string s;
      int n = 3 + static_cast<int>(rng.Below(5));
      for (int k = 0; k < n; ++k) s += (k > 0 ? ", " : "") + Number(0, k % 2 ? 99 : 9999);
      return s;
    }
    if (r < 0.6) {
      return Number(1, 999) + (rng.Chance(0.5) ? " " : "") + kUnits[rng.Below(kUnits.size())];
    }
    if (r < 0.7) return Number(1, 9) + "." + Number(0, 20) + "." + Number(0, 9);
    if (r < 0.85) {
      // Parcel tracking numbers: groups of digits, some with a letter or two.
      std::string s = rng.Chance(0.5) ? "1Z " : "";
      int n = 3 + static_cast<int>(rng.Below(4));
      for (int k = 0; k < n; ++k) {
        if (k > 0) s += ' ';
        s += Digits(2 + static_cast<int>(rng.Below(3)));
        if (rng.Chance(0.2)) s += static_cast<char>('A' + rng.Below(26));
      }
      return s;
    }
    std::string s;
    s += static_cast<char>('A' + rng.Below(26));
    s += static_cast<char>('A' + rng.Below(26));
    return s + Digits(6 + static_cast<int>(rng.Below(4)));
  }
  std::string Filler(std::string_view slot) {
    if (slot == "NUM") return Number(1, 500);
    if (slot == "YEAR") return Number(1950, 2030);
    if (slot == "DATE") return Date();
    if (slot == "TIME") {
      if (ko) return (rng.Chance(0.5) ? "오전 " : "오후 ") + Number(1, 12) + "시";
      return Number(1, 12) + ":" + Number(10, 59) + (rng.Chance(0.5) ? " am" : " PM");
    }
    if (slot == "MONTH" || slot == "WEEKDAY") {
      const auto& v = d.List("date_words");
      // The list holds English months and weekdays first; pick any English entry.
      for (int k = 0; k < 8; ++k) {
        const std::string& w = v[rng.Below(v.size())];
        if (static_cast<unsigned char>(w[0]) < 0x80 || ko) return w;
      }
      return "Monday";
    }
    if (slot == "EMAIL") return Email();
    if (slot == "URL") return Url();
    if (slot == "PHONE") return Phone();
    if (slot == "CARD")
      return Digits(4) + (rng.Chance(0.5) ? " " : "") + Digits(4) + (rng.Chance(0.5) ? " " : "") +
             Digits(4) + Digits(4);
    if (slot == "JOB") return ko && rng.Chance(0.8) ? Pick("ko_jobs") : Pick("job_titles");
    if (slot == "PRODUCT") return Pick("products");
    if (slot == "KO_NOUN") return Pick("ko_common_nouns");
    if (slot == "TECH") return Pick("tech_terms");
    if (slot == "NUMS") return Numbers();
    if (slot == "NATIONALITY") return Pick("nationalities");
    if (slot == "MONEY") {
      if (ko) return Number(1, 999) + "만 원";
      return "$" + Number(1, 999) + (rng.Chance(0.5) ? "," + Digits(3) : "") +
             (rng.Chance(0.3) ? "." + Digits(2) : "");
    }
    if (slot == "AGE") return Number(18, 95);
    if (slot == "WORD") {
      for (int k = 0; k < 8; ++k) {
        const std::string& w = Pick("common_words");
        if (w.size() >= 4 && w.size() <= 10) return Capitalize(w);
      }
      return "Welcome";
    }
    if (slot == "IBAN") {
      std::string s;
      static constexpr std::array<const char*, 8> kCc = {"GB", "DE", "FR", "NL",
                                                         "ES", "IT", "PL", "CH"};
      s += kCc[rng.Below(kCc.size())] + Digits(2);
      for (int k = 0; k < 4; ++k) s += static_cast<char>('A' + rng.Below(26));
      s += Digits(14);
      return s;
    }
    if (slot == "TITLEWORDS") {
      // A run of capitalized common words, like a headline or a song title.
      std::string s;
      int n = 2 + static_cast<int>(rng.Below(4));
      for (int k = 0; k < n; ++k) {
        if (k > 0) s += ' ';
        std::string w = Pick("common_words");
        if (w.size() > 10) w = "Love";
        s += Capitalize(w);
      }
      return s;
    }
    if (slot == "WORDS") {
      // A few random lower-case words: a context that says nothing about the entity next
      // to it, so the tagger must also learn what names look like on their own.
      std::string s;
      int n = 1 + static_cast<int>(rng.Below(5));
      for (int k = 0; k < n; ++k) {
        if (k > 0) s += ' ';
        std::string w = Pick("common_words");
        s += w.size() > 12 ? "the" : w;
      }
      return s;
    }
    if (slot == "CODE") {
      std::string s;
      s += static_cast<char>('A' + rng.Below(26));
      s += static_cast<char>('A' + rng.Below(26));
      return s + "-" + Digits(3 + static_cast<int>(rng.Below(4)));
    }
    return "";
  }

  // Returns the value of an entity slot and its type, or a filler with no type.
  std::string Slot(std::string_view slot, std::optional<EntityType>* type) {
    *type = std::nullopt;
    if (slot == "PERSON" || slot == "FIRST" || slot == "LAST" || slot == "EN_PERSON") {
      *type = EntityType::kPerson;
      if (slot == "PERSON") return Person();
      if (slot == "FIRST") return First();
      if (slot == "LAST") return Last();
      return EnglishPerson();
    }
    if (slot == "CITY" || slot == "COUNTRY" || slot == "STATE" || slot == "GPE" ||
        slot == "DISTRICT" || slot == "ADDRESS" || slot == "STREET_ADDRESS" || slot == "STREET") {
      *type = EntityType::kLocation;
      if (slot == "CITY") return City();
      if (slot == "COUNTRY") return Country();
      if (slot == "STATE") return State();
      if (slot == "GPE") return Gpe();
      if (slot == "DISTRICT") return District();
      if (slot == "ADDRESS") return Address(ko && rng.Chance(0.9));
      if (slot == "STREET") return ko && rng.Chance(0.85) ? KoRoad() : Street();
      return StreetAddress();
    }
    if (slot == "ORG" || slot == "COMPANY" || slot == "EN_ORG") {
      *type = EntityType::kOrganization;
      if (slot == "EN_ORG") return EnglishOrg();
      return Org();
    }
    return Filler(slot);
  }

  void Append(LabeledSentence& s, std::string_view piece) {
    if (sentence_case == 0) {
      s.text.append(piece);
    } else {
      s.text += MapCase(piece, sentence_case == 2);
    }
  }

  // The particle of pair "a/b" that fits after `value`.
  std::string Particle(std::string_view value, std::string_view pair) {
    size_t slash = pair.find('/');
    std::string_view with = pair.substr(0, slash), without = pair.substr(slash + 1);
    if (value.empty()) return std::string(without);
    size_t last = value.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(value[last]) & 0xC0) == 0x80) --last;
    size_t len;
    char32_t cp = utf8::Decode(value, last, &len);
    bool rieul;
    bool final = HasFinalConsonant(cp, &rieul);
    if (cp < 0xAC00 || cp > 0xD7A3) final = rng.Chance(0.5);  // a Latin name or a number
    if (with == "으로" && rieul) return std::string(without);
    return std::string(final ? with : without);
  }

  void Expand(std::string_view t, LabeledSentence& s) {
    std::string last_value;
    bool after_slot = false;
    for (size_t i = 0; i < t.size(); ++i) {
      char c = t[i];
      if (c == '\\' && i + 1 < t.size() && t[i + 1] == 'n') {
        Append(s, "\n");
        ++i;
        after_slot = false;
      } else if (c == '[') {
        size_t close = t.find(']', i);
        std::string_view body = t.substr(i + 1, close - i - 1);
        std::vector<std::string_view> alts;
        size_t start = 0;
        for (size_t k = 0; k <= body.size(); ++k) {
          if (k == body.size() || body[k] == '|') {
            alts.push_back(body.substr(start, k - start));
            start = k + 1;
          }
        }
        std::string_view alt = alts[rng.Below(alts.size())];
        // An alternative may hold slots ("[calling from {ORG}|speaking]").
        Expand(alt, s);
        i = close;
        after_slot = false;
      } else if (c == '{') {
        size_t close = t.find('}', i);
        std::optional<EntityType> type;
        std::string value = Slot(t.substr(i + 1, close - i - 1), &type);
        if (type && sentence_case == 0 && !ko) {
          double r = rng.Unit();
          if (r < 0.04)
            value = MapCase(value, true);
          else if (r < 0.07)
            value = MapCase(value, false);
        }
        size_t begin = s.text.size();
        Append(s, value);
        if (type && s.text.size() > begin) s.spans.push_back({begin, s.text.size(), *type});
        last_value = value;
        i = close;
        after_slot = true;
      } else if (c == '(' && after_slot) {
        size_t close = t.find(')', i);
        std::string_view pair =
            close == std::string_view::npos ? std::string_view() : t.substr(i + 1, close - i - 1);
        if (IsParticlePair(pair)) {
          Append(s, Particle(last_value, pair));
          i = close;
        } else {
          Append(s, std::string_view(&t[i], 1));
        }
        after_slot = false;
      } else {
        Append(s, std::string_view(&t[i], 1));
        after_slot = false;
      }
    }
  }

  LabeledSentence Next() {
    LabeledSentence s;
    ko = rng.Chance(o.korean_fraction);
    sentence_case = 0;
    if (!ko) {
      double r = rng.Unit();
      if (r < o.lowercase_fraction)
        sentence_case = 1;
      else if (r < o.lowercase_fraction + o.uppercase_fraction)
        sentence_case = 2;
    }
    const std::string* t = ko ? &PickOf(d.templates_ko) : &PickOf(d.templates_en);
    if (!ko && !random_context.empty() && rng.Chance(o.random_context_fraction)) {
      t = PickOf(random_context);
    }
    Expand(*t, s);
    return s;
  }
};

CorpusGenerator::CorpusGenerator(const CorpusData& data, const CorpusOptions& options)
    : impl_(std::make_unique<Impl>(data, options)) {}
CorpusGenerator::~CorpusGenerator() = default;
LabeledSentence CorpusGenerator::Next() {
  return impl_->Next();
}

std::vector<LabeledSentence> GenerateCorpus(const CorpusData& data, const CorpusOptions& options,
                                            size_t count) {
  CorpusGenerator gen(data, options);
  std::vector<LabeledSentence> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(gen.Next());
  return out;
}

}  // namespace ptmo::privacy::ner
