// The leakage audit: re-reads every payload in an audit log and reports what sensitive data
// actually left the device.
//
// For each record with a non-empty payload:
//  - the Analyzer runs over the payload's text: for a JSON payload (an API request body) the
//    text is its decoded strings, keys and numbers joined by newlines, so JSON escapes such as
//    "\u0040" cannot hide data; otherwise the payload's bytes, invalid UTF-8 bytes replaced
//    by '?'. Spans made only of the Vault's pseudonyms ("<PERSON_1>", ...) do not count.
//  - every known secret (one per line of a secrets file) is searched verbatim in the raw
//    payload bytes and in the decoded JSON text.
// The report counts PII spans by type and names the offending records by id; it never
// contains the sensitive values or the secrets themselves (secrets are named by line number).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "privacy/analyzer.h"
#include "privacy/audit/audit_log.h"
#include "util/status.h"

namespace ptmo::privacy {

// Known secrets to look for, with the line each came from.
struct SecretList {
  std::vector<std::string> values;
  std::vector<size_t> lines;  // 1-based, parallel to values
};

// Shortest accepted secret: shorter strings would match ordinary text.
inline constexpr size_t kMinSecretBytes = 4;

// Parses a secrets file's contents: one secret per line, a trailing '\r' removed, blank lines
// skipped, nothing else trimmed (a secret may contain spaces). kInvalidArgument naming the
// line for a secret shorter than kMinSecretBytes.
Expected<SecretList> ParseSecrets(std::string_view contents);
// Reads and parses the file at `path` (at most 16 MiB). kNotFound naming the file when missing.
Expected<SecretList> LoadSecrets(const std::string& path);

struct LeakageOffender {
  int64_t record_id = 0;
  std::string request_id;
  std::string user_id;
  std::map<EntityType, int64_t> pii;  // PII spans in this payload, by type
  std::vector<size_t> secret_lines;   // secrets found in this payload (their line numbers)
};

struct LeakageReport {
  int64_t records = 0;                // rows scanned
  int64_t payloads = 0;               // rows with a non-empty payload
  int64_t payload_bytes = 0;          // their total size
  int64_t json_payloads = 0;          // payloads analyzed as decoded JSON
  int64_t invalid_utf8_payloads = 0;  // payloads with invalid UTF-8 (bytes replaced by '?')
  int64_t payloads_with_pii = 0;
  int64_t pii_spans = 0;
  int64_t pseudonym_spans = 0;  // spans ignored because they are only pseudonyms
  std::map<EntityType, int64_t> pii_by_type;
  int64_t payloads_with_secrets = 0;
  std::vector<size_t> secrets_found;       // line numbers of the secrets seen at least once
  std::vector<LeakageOffender> offenders;  // in record order, at most max_offenders
  int64_t offenders_total = 0;             // including those not listed
  // Images, from the records' media_json (the gateway's per-image decisions): how many went
  // as they were, redacted, or stayed on the device, and how many PRIVATE images were
  // uploaded all the same (a leak). Image data in payloads (image_url parts) is not scanned
  // as text: its base64 would only yield false spans.
  int64_t images_sent = 0;
  int64_t images_redacted = 0;
  int64_t images_withheld = 0;
  int64_t private_images_uploaded = 0;

  // True when any payload held PII or a known secret, or a PRIVATE image was uploaded.
  bool leaked() const {
    return payloads_with_pii > 0 || payloads_with_secrets > 0 || private_images_uploaded > 0;
  }
};

struct LeakageOptions {
  bool decode_json = true;      // analyze JSON payloads by their decoded strings
  size_t max_offenders = 1000;  // offenders listed in the report
  std::string user_id;          // only this user's records when non-empty
};

// Scans every record of `log`. Fails only on storage errors (the log's) or an Analyzer error
// other than invalid input (which cannot happen: inputs are sanitized and chunked to the
// Analyzer's size limit). Thread-safe with respect to appends running meanwhile.
Expected<LeakageReport> AuditLeakage(AuditLog& log, const Analyzer& analyzer,
                                     const SecretList& secrets, const LeakageOptions& options = {});

}  // namespace ptmo::privacy
