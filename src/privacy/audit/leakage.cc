#include "privacy/audit/leakage.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "privacy/budget/pseudonyms.h"
#include "util/file.h"
#include "util/utf8.h"

namespace ptmo::privacy {
namespace {

// Appends every string, key and number of `j` to *out, one per line.
// The values of a JSON document, one text per leaf: each string value and each integer. Keys
// are the API's field names, not data. Leaves are analyzed one by one, as the gateway masks
// them, so neighbouring fields cannot run together into false spans.
void CollectJsonLeaves(const nlohmann::json& j, std::vector<std::string>* out) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      for (auto it = j.begin(); it != j.end(); ++it) {
        // An OpenAI image part's data: URL is image bytes (counted from media_json), not text.
        if (it.key() == "image_url" && it.value().is_object()) continue;
        CollectJsonLeaves(it.value(), out);
      }
      break;
    case nlohmann::json::value_t::array:
      for (const auto& x : j) CollectJsonLeaves(x, out);
      break;
    case nlohmann::json::value_t::string: out->push_back(j.get_ref<const std::string&>()); break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      // Integers could be an identifier sent as a number; fractions are sampling settings.
      out->push_back(j.dump());
      break;
    default: break;
  }
}

// Replaces each byte of an invalid UTF-8 sequence with '?' (offsets are kept). Returns
// whether anything was replaced.
bool SanitizeUtf8(std::string* s) {
  bool changed = false;
  size_t from = 0;
  while (from < s->size()) {
    auto bad = utf8::FindInvalid(std::string_view(*s).substr(from));
    if (!bad) break;
    (*s)[from + *bad] = '?';
    from += *bad + 1;
    changed = true;
  }
  return changed;
}

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The real (non-pseudonym) spans of valid UTF-8 `text`, analyzed in chunks of at most
// `max_bytes` overlapping by kOverlap so that a span near a chunk edge is seen whole once.
Status FindRealSpans(const Analyzer& analyzer, std::string_view text, std::vector<Span>* real,
                     int64_t* pseudonyms) {
  constexpr size_t kOverlap = 512;
  size_t max_bytes = std::max<size_t>(analyzer.options().max_input_bytes, 4 * kOverlap);
  std::set<std::tuple<size_t, size_t, int>> seen;
  size_t begin = 0;
  for (;;) {
    size_t end = std::min(text.size(), begin + max_bytes);
    while (end < text.size() && end > begin && IsContinuationByte(text[end])) --end;
    std::string_view chunk = text.substr(begin, end - begin);
    PTMO_ASSIGN_OR_RETURN(std::vector<Span> spans, analyzer.FindSpans(chunk));
    std::vector<Span> kept = RealSpans(chunk, spans);
    *pseudonyms += static_cast<int64_t>(spans.size() - kept.size());
    for (Span& s : kept) {
      s.begin += begin;
      s.end += begin;
      if (seen.insert({s.begin, s.end, static_cast<int>(s.type)}).second) {
        real->push_back(std::move(s));
      }
    }
    if (end >= text.size()) return Status::Ok();
    size_t next = end - kOverlap;
    while (next > begin && IsContinuationByte(text[next])) --next;
    begin = next > begin ? next : end;
  }
}

// Adds the record's images (media_json {"images":[{"level","action"}]}) to the report.
void CountImages(const AuditRecord& r, LeakageReport* report) {
  if (r.media_json.empty()) return;
  auto media = nlohmann::json::parse(r.media_json, nullptr, /*allow_exceptions=*/false);
  if (!media.is_object() || !media.contains("images") || !media["images"].is_array()) return;
  for (const auto& image : media["images"]) {
    if (!image.is_object()) continue;
    std::string action = image.value("action", "");
    if (action == "sent") {
      ++report->images_sent;
    } else if (action == "redacted") {
      ++report->images_redacted;
    } else {
      ++report->images_withheld;
      continue;
    }
    if (image.value("level", "") == "PRIVATE") ++report->private_images_uploaded;
  }
}

}  // namespace

Expected<SecretList> ParseSecrets(std::string_view contents) {
  SecretList list;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < contents.size()) {
    size_t nl = contents.find('\n', pos);
    std::string_view line =
        contents.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? contents.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.size() < kMinSecretBytes) {
      return InvalidArgument("secrets line " + std::to_string(line_no) +
                             ": a secret must be at "
                             "least " +
                             std::to_string(kMinSecretBytes) +
                             " bytes long (shorter ones match ordinary text)");
    }
    list.values.emplace_back(line);
    list.lines.push_back(line_no);
  }
  return list;
}

Expected<SecretList> LoadSecrets(const std::string& path) {
  auto contents = ReadFile(path, size_t(16) << 20);
  if (!contents.ok()) {
    return Status(contents.status().code(), "secrets file: " + contents.status().message());
  }
  auto list = ParseSecrets(*contents);
  if (!list.ok()) return InvalidArgument("'" + path + "': " + list.status().message());
  return list;
}

Expected<LeakageReport> AuditLeakage(AuditLog& log, const Analyzer& analyzer,
                                     const SecretList& secrets, const LeakageOptions& options) {
  LeakageReport report;
  std::vector<bool> secret_seen(secrets.values.size(), false);
  Status inner = Status::Ok();
  AuditQuery query;
  query.user_id = options.user_id;
  Status st = log.ForEach(query, [&](const AuditRecord& r) {
    ++report.records;
    CountImages(r, &report);
    if (r.payload.empty()) return true;
    ++report.payloads;
    report.payload_bytes += static_cast<int64_t>(r.payload.size());

    std::vector<std::string> leaves;
    bool decoded = false;
    if (options.decode_json) {
      auto j = nlohmann::json::parse(r.payload, nullptr, /*allow_exceptions=*/false);
      if (!j.is_discarded() && (j.is_object() || j.is_array())) {
        CollectJsonLeaves(j, &leaves);
        decoded = true;
        ++report.json_payloads;
      }
    }
    if (!decoded) {
      leaves.push_back(r.payload);
      if (SanitizeUtf8(&leaves.back())) ++report.invalid_utf8_payloads;
    }
    std::string text;  // the decoded values, for the verbatim secret search
    for (const std::string& leaf : leaves) text.append(leaf).push_back('\n');

    LeakageOffender offender;
    std::vector<Span> spans;
    for (const std::string& leaf : leaves) {
      Status found = FindRealSpans(analyzer, leaf, &spans, &report.pseudonym_spans);
      if (!found.ok()) {
        inner =
            Status(found.code(), "audit record " + std::to_string(r.id) + ": " + found.message());
        return false;
      }
    }
    for (const Span& s : spans) {
      ++offender.pii[s.type];
      ++report.pii_by_type[s.type];
      ++report.pii_spans;
    }
    if (!spans.empty()) ++report.payloads_with_pii;

    for (size_t k = 0; k < secrets.values.size(); ++k) {
      const std::string& secret = secrets.values[k];
      bool hit = r.payload.find(secret) != std::string::npos ||
                 (decoded && text.find(secret) != std::string::npos);
      if (!hit) continue;
      offender.secret_lines.push_back(secrets.lines[k]);
      secret_seen[k] = true;
    }
    if (!offender.secret_lines.empty()) ++report.payloads_with_secrets;

    if (!offender.pii.empty() || !offender.secret_lines.empty()) {
      ++report.offenders_total;
      if (report.offenders.size() < options.max_offenders) {
        offender.record_id = r.id;
        offender.request_id = r.request_id;
        offender.user_id = r.user_id;
        report.offenders.push_back(std::move(offender));
      }
    }
    return true;
  });
  PTMO_RETURN_IF_ERROR(st);
  PTMO_RETURN_IF_ERROR(inner);
  for (size_t k = 0; k < secret_seen.size(); ++k) {
    if (secret_seen[k]) report.secrets_found.push_back(secrets.lines[k]);
  }
  return report;
}

}  // namespace ptmo::privacy
