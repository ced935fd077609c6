// Contact and network identifiers: EMAIL, URL, IP_ADDRESS, MAC_ADDRESS.
#include <re2/re2.h>

#include <cstring>
#include <string>

#include "privacy/recognizers/structured.h"
#include "privacy/recognizers/structured_scan.h"
#include "privacy/recognizers/tld_list.h"
#include "privacy/validators/ip.h"
#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

using scan::IsAlnum;
using scan::IsAlpha;
using scan::IsDigit;
using scan::IsHex;

bool IsKnownTldAnyCase(std::string_view label) {
  if (label.size() < 2 || label.size() > 63) return false;
  std::string lower = utf8::AsciiLower(label);
  return IsKnownTld(lower);
}

// A DNS label: 1-63 letters, digits or hyphens, not starting or ending with a hyphen.
bool IsDnsLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (char c : label) {
    if (!IsAlnum(c) && c != '-') return false;
  }
  return true;
}

// Length of the longest prefix of `host` that is a domain name (two or more DNS labels)
// whose last label is a known TLD, or 0. Trailing labels that are not TLDs are dropped, so
// "mail.example.com.Then" (a missing space) yields "mail.example.com". One pass over the
// labels, so hostile hosts with thousands of labels stay linear.
size_t DomainPrefix(std::string_view host) {
  size_t best = 0;
  size_t start = 0;
  for (int labels = 1;; ++labels) {
    const size_t dot = host.find('.', start);
    const size_t end = dot == std::string_view::npos ? host.size() : dot;
    const std::string_view label = host.substr(start, end - start);
    if (!IsDnsLabel(label)) break;
    if (labels >= 2) {
      bool alpha = true;
      for (char c : label) alpha = alpha && IsAlpha(c);
      const bool punycode = label.size() > 4 && utf8::AsciiLower(label.substr(0, 4)) == "xn--";
      if ((alpha && IsKnownTldAnyCase(label)) || punycode) best = end;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// EMAIL

class EmailRecognizer : public Recognizer {
 public:
  EmailRecognizer() : re_(R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)") {}
  std::string_view name() const override { return "email"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    if (std::memchr(text.data(), '@', text.size()) == nullptr) return;  // cheap common case
    // Addresses are printable ASCII around an '@': search only those tokens.
    const auto windows =
        scan::TokenWindows(text, [](std::string_view t, size_t i) { return t[i] == '@'; });
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece*) {
          const std::string_view m = text.substr(b, e - b);
          const size_t at = m.find('@');
          std::string_view local = m.substr(0, at);
          // Dots cannot start a local part; "...john@x.com" is the address "john@x.com".
          size_t skip = 0;
          while (skip < local.size() && local[skip] == '.') ++skip;
          local.remove_prefix(skip);
          if (local.empty() || local.size() > 64 || local.back() == '.' ||
              local.find("..") != std::string_view::npos) {
            return;
          }
          const size_t domain_len = DomainPrefix(m.substr(at + 1));
          if (domain_len == 0) return;
          const size_t begin = b + skip;
          const size_t end = b + at + 1 + domain_len;
          if (end < text.size() && (IsAlnum(text[end]) || text[end] == '_')) return;
          out.push_back(scan::MakeSpan(EntityType::kEmail, begin, end, 0.9, "email",
                                       {"e-mail address with a known top-level domain"}));
        });
  }

 private:
  RE2 re_;
};

// ---------------------------------------------------------------------------------------
// URL

// Top-level domains accepted for a bare domain ("example.com"): the classic generic ones.
// Other generic TLDs double as everyday words ("user.name", "self.app", "x.zip"), so bare
// domains under them are only taken with "www." or a scheme.
bool IsClassicGenericTld(std::string_view tld) {
  static constexpr std::string_view kClassic[] = {"com", "net",  "org", "edu", "gov", "mil",
                                                  "int", "info", "biz", "io",  "ai",  "co"};
  for (std::string_view t : kClassic) {
    if (tld == t) return true;
  }
  return false;
}

// Country TLDs that are also common file extensions (script.py, lib.rs, run.sh, README.md,
// model.pt, libfoo.so ...): a bare "name.ext" with them is far more often a file name.
bool IsFileExtensionLikeTld(std::string_view tld) {
  static constexpr std::string_view kExt[] = {"py", "rs", "sh", "pl", "md", "ml",
                                              "ps", "cc", "pt", "so", "am", "ac"};
  for (std::string_view t : kExt) {
    if (tld == t) return true;
  }
  return false;
}

// Drops trailing punctuation that belongs to the sentence, not the URL: ".,;:!?*" and
// closing brackets without an opening partner inside the URL. Never shorter than min_len.
size_t TrimUrlEnd(std::string_view url, size_t min_len) {
  // Bracket balance of url[0, n), kept up to date as n shrinks.
  int balance[3] = {0, 0, 0};  // (), [], {}
  auto kind = [](char c) { return c == '(' || c == ')' ? 0 : c == '[' || c == ']' ? 1 : 2; };
  for (char c : url) {
    if (c == '(' || c == '[' || c == '{') ++balance[kind(c)];
    if (c == ')' || c == ']' || c == '}') --balance[kind(c)];
  }
  size_t n = url.size();
  while (n > min_len) {
    const char c = url[n - 1];
    if (scan::IsOneOf(c, ".,;:!?*")) {
      --n;
    } else if ((c == ')' || c == ']' || c == '}') && balance[kind(c)] < 0) {
      ++balance[kind(c)];
      --n;
    } else {
      break;
    }
  }
  return n;
}

class UrlRecognizer : public Recognizer {
 public:
  // Alternative 1: a scheme URL; alternative 2: a domain name (with optional port and path).
  // URL characters are printable ASCII except space " ' < > `. Label lengths and hyphen
  // placement are checked in code: counted repetitions would bloat RE2's DFA.
  UrlRecognizer()
      : re_(R"((?i)(?:https?|ftp)://[!#-&(-;=?-_a-~]+|)"
            R"((?:[a-z0-9][a-z0-9\-]*\.)+(?:[a-z]{2,}|xn--[a-z0-9\-]+))"
            R"((?::[0-9]{1,5})?(?:[/?#][!#-&(-;=?-_a-~]*)?)") {}
  std::string_view name() const override { return "url"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    // Every match is printable ASCII holding a '.' before a letter (a domain) or "://":
    // search only the tokens that have one. Sentence ends (". Next") do not qualify.
    const auto windows = scan::TokenWindows(text, [](std::string_view t, size_t i) {
      if (t[i] == '.') return i + 1 < t.size() && IsAlpha(t[i + 1]);
      return t[i] == ':' && t.substr(i, 3) == "://";
    });
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece*) {
          if (b > 0 && (IsAlnum(text[b - 1]) || scan::IsOneOf(text[b - 1], "_@.-/\\"))) {
            return;  // inside an e-mail address, a path or a longer token
          }
          const std::string_view m = text.substr(b, e - b);
          const size_t scheme_end = m.find("://");
          if (scheme_end != std::string_view::npos) {
            EmitSchemeUrl(b, m, scheme_end + 3, out);
          } else {
            EmitDomain(text, b, m, out);
          }
        });
  }

 private:
  void EmitSchemeUrl(size_t b, std::string_view m, size_t host_begin,
                     std::vector<Span>& out) const {
    const size_t len = TrimUrlEnd(m, host_begin + 1);
    const std::string_view rest = m.substr(host_begin, len - host_begin);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);  // user:password@
    }
    std::string_view host = authority;
    if (!host.empty() && host.front() == '[') {
      host = host.substr(1, host.find(']') == std::string_view::npos ? 0 : host.find(']') - 1);
    } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
      host = host.substr(0, colon);
    }
    const bool known_host = validators::IsValidIpv4(host) || validators::IsValidIpv6(host) ||
                            utf8::AsciiLower(host) == "localhost" ||
                            (!host.empty() && DomainPrefix(host) == host.size());
    if (known_host) {
      out.push_back(scan::MakeSpan(EntityType::kUrl, b, b + len, 0.85, "url",
                                   {"URL with scheme and a valid host"}));
    } else if (!host.empty()) {
      out.push_back(scan::MakeSpan(EntityType::kUrl, b, b + len, 0.5, "url",
                                   {"URL with scheme and an unqualified host"}));
    }
  }

  void EmitDomain(std::string_view text, size_t b, std::string_view m,
                  std::vector<Span>& out) const {
    const size_t host_len =
        m.find_first_of(":/?#") == std::string_view::npos ? m.size() : m.find_first_of(":/?#");
    const std::string_view host = m.substr(0, host_len);
    const size_t domain_len = DomainPrefix(host);
    if (domain_len != host.size()) return;  // last label is not a real TLD
    const size_t after = b + host_len;
    if (after < text.size() && (text[after] == '@' || text[after] == '_' || text[after] == '(')) {
      return;  // e-mail local part, identifier, or a method call in code
    }
    const bool www = host.size() > 4 && utf8::AsciiLower(host.substr(0, 4)) == "www.";
    const std::string_view tld = host.substr(host.rfind('.') + 1);
    if (!www) {
      // Bare domains: the TLD written in lower case (rules out "ASP.NET", "end.It"), and
      // either a classic generic TLD or a country TLD that is not a file extension.
      for (char c : tld) {
        if (!(c >= 'a' && c <= 'z')) return;
      }
      if (!(IsClassicGenericTld(tld) || (tld.size() == 2 && !IsFileExtensionLikeTld(tld)))) {
        return;
      }
    }
    const size_t len = TrimUrlEnd(m, host_len);
    out.push_back(scan::MakeSpan(EntityType::kUrl, b, b + len, www ? 0.75 : 0.55, "url",
                                 {www ? "www host name with a known top-level domain"
                                      : "domain name with a known top-level domain"}));
  }

  RE2 re_;
};

// ---------------------------------------------------------------------------------------
// IP_ADDRESS

class IpAddressRecognizer : public Recognizer {
 public:
  // Candidates only; the validators decide. An IPv4 candidate is all digits and dots; an
  // IPv6 candidate has at least two colons within its 45 characters.
  IpAddressRecognizer()
      : v4_re_(R"([0-9]{1,3}(?:\.[0-9]{1,3}){3})"),
        v6_re_(R"([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3})"),
        version_words_({"version", "ver", "v", "release", "build", "버전"}) {}
  std::string_view name() const override { return "ip_address"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    scan::ForEachMatchInWindows(
        v4_re_, text, scan::DigitWindows(text, 0, 1),
        [&](size_t b, size_t e, const re2::StringPiece*) { FindV4(text, b, e, out); });
    scan::ForEachMatchInWindows(
        v6_re_, text, scan::ByteWindows(text, ':', 45, 45),
        [&](size_t b, size_t e, const re2::StringPiece*) { FindV6(text, b, e, out); });
  }

 private:
  void FindV4(std::string_view text, size_t b, size_t e, std::vector<Span>& out) const {
    if (!scan::StandsAlone(text, b, e) || scan::ExtendsNumber(text, b, e, ".")) return;
    // The IPv4 tail of an IPv6 address ("::ffff:192.0.2.1") belongs to that address; a
    // label such as "IP:10.0.0.1" does not make one.
    if (b >= 2 && text[b - 1] == ':' && (IsHex(text[b - 2]) || text[b - 2] == ':')) return;
    if (!validators::IsValidIpv4(text.substr(b, e - b))) return;
    if (scan::HasWordBefore(text, b, version_words_, 2)) return;  // "version 1.2.3.4"
    out.push_back(
        scan::MakeSpan(EntityType::kIpAddress, b, e, 0.75, "ip_address", {"valid IPv4 address"}));
  }

  void FindV6(std::string_view text, size_t b, size_t e, std::vector<Span>& out) const {
    // A candidate glued to more hex, ':' or '.' is part of something longer.
    if (b > 0 &&
        (IsHex(text[b - 1]) || IsAlnum(text[b - 1]) || text[b - 1] == ':' || text[b - 1] == '.')) {
      return;
    }
    std::string_view m = text.substr(b, e - b);
    // A sentence may end the address with ':' ("the address is fe80::1: it...").
    if (m.size() > 2 && m.back() == ':' && m[m.size() - 2] != ':') m.remove_suffix(1);
    const size_t end = b + m.size();
    if (end < text.size() && (IsAlnum(text[end]) || text[end] == ':')) return;
    if (!validators::IsValidIpv6(m)) return;
    // Require some substance: "::", "::1" and "a::b" are loopback/unspecified or look like
    // C++ scopes; real addresses have at least three groups or a four-digit group.
    int colons = 0, run = 0, longest = 0;
    for (char c : m) {
      if (c == ':') {
        ++colons;
        run = 0;
      } else {
        longest = std::max(longest, ++run);
      }
    }
    if (colons < 3 && longest < 4) return;
    out.push_back(
        scan::MakeSpan(EntityType::kIpAddress, b, end, 0.75, "ip_address", {"valid IPv6 address"}));
  }

  RE2 v4_re_;
  RE2 v6_re_;
  std::vector<std::string> version_words_;
};

// ---------------------------------------------------------------------------------------
// MAC_ADDRESS

class MacAddressRecognizer : public Recognizer {
 public:
  MacAddressRecognizer()
      : re_(R"([0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})") {
  }
  std::string_view name() const override { return "mac_address"; }

  void Find(std::string_view text, std::vector<Span>& out) const override {
    // Only addresses with a digit are reported, and one is at most 14 bytes from either end.
    const auto windows = scan::DigitWindows(text, 14, 14);
    scan::ForEachMatchInWindows(
        re_, text, windows, [&](size_t b, size_t e, const re2::StringPiece*) {
          const std::string_view m = text.substr(b, e - b);
          if (!scan::StandsAlone(text, b, e)) return;
          // Not a piece of a longer hex run ("00:11:22:33:44:55:66", IPv6 groups).
          if (b > 0 && scan::IsOneOf(text[b - 1], ":-.") && b >= 2 && IsHex(text[b - 2])) {
            return;
          }
          if (e + 1 < text.size() && scan::IsOneOf(text[e], ":-.") && IsHex(text[e + 1])) {
            return;
          }
          const bool dotted = m[4] == '.';
          if (!dotted) {
            // One separator throughout.
            for (size_t i = 2; i < m.size(); i += 3) {
              if (m[i] != m[2]) return;
            }
          }
          bool any_digit = false, any_letter = false, all_zero = true, all_f = true;
          for (char c : m) {
            if (!IsHex(c)) continue;
            any_digit = any_digit || IsDigit(c);
            any_letter = any_letter || IsAlpha(c);
            all_zero = all_zero && c == '0';
            all_f = all_f && (c == 'f' || c == 'F');
          }
          if (all_zero || all_f) return;  // null and broadcast addresses identify nobody
          if (!any_digit) return;         // "dead.beef.cafe" and friends
          // An all-digit Cisco triple ("1234.5678.9012") is more likely another number.
          const double score = dotted && !any_letter ? 0.35 : 0.75;
          out.push_back(scan::MakeSpan(
              EntityType::kMacAddress, b, e, score, "mac_address",
              {dotted ? "MAC address in Cisco dotted form" : "MAC address (six hex pairs)"}));
        });
  }

 private:
  RE2 re_;
};

}  // namespace

std::unique_ptr<Recognizer> MakeEmailRecognizer() {
  return std::make_unique<EmailRecognizer>();
}
std::unique_ptr<Recognizer> MakeUrlRecognizer() {
  return std::make_unique<UrlRecognizer>();
}
std::unique_ptr<Recognizer> MakeIpAddressRecognizer() {
  return std::make_unique<IpAddressRecognizer>();
}
std::unique_ptr<Recognizer> MakeMacAddressRecognizer() {
  return std::make_unique<MacAddressRecognizer>();
}

}  // namespace ptmo::privacy
