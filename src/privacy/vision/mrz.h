// Machine-readable zones of travel documents (ICAO Doc 9303): check digits, parsing of the
// TD3 (passport, 2x44), TD2 (2x36) and TD1 (ID card, 3x30) layouts, and finding an MRZ in
// OCR output. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ptmo::privacy::vision {

// The ICAO 9303 check digit of `field` (weights 7,3,1; digits count as themselves, A-Z as
// 10-35, '<' as 0), or -1 when `field` holds any other character.
int MrzCheckDigit(std::string_view field);

struct MrzResult {
  std::string format;  // "TD3", "TD2", "TD1"
  std::string document_code;
  std::string issuing_state;
  std::string document_number;
  std::string nationality;
  std::string birth_date;   // YYMMDD
  std::string expiry_date;  // YYMMDD
  std::string sex;
  std::string surname;
  std::string given_names;
  std::vector<std::string> lines;  // the normalised lines
  int checks_passed = 0;
  int checks_total = 0;
  bool valid() const { return checks_total > 0 && checks_passed == checks_total; }
  std::vector<std::string> failed_checks;  // "document number", "birth date", ...
};

// Parses already-split MRZ lines (2 lines of 44 or 36, or 3 of 30 characters from
// [A-Z0-9<]). Numeric fields tolerate the usual OCR confusions (O->0, I->1, S->5, B->8, ...).
// Returns nullopt when the shape matches no format.
std::optional<MrzResult> ParseMrz(const std::vector<std::string>& lines);

// Normalises one OCR line for MRZ use: drops spaces, maps look-alikes of '<' ('«' to "<<",
// '‹', '(', and lower-case letters, which an MRZ never holds). Returns the line, or "" when
// it does not look like MRZ text (too short, no "<<", mostly lower-case or other symbols).
std::string NormalizeMrzLine(std::string_view ocr_line);

// OCR miscounts long runs of '<' fillers. Returns the versions of `line` that have `n`
// characters after one '<' run is stretched or shrunk (each run keeps at least one '<'),
// in the order of the runs; {line} when it already has n characters; none when the length
// differs by more than 12. The caller must validate each candidate's check digits.
std::vector<std::string> MrzLengthRepairs(std::string_view line, size_t n);

// OCR swaps look-alike characters (0/O/D/Q, 1/I/L/7, 2/Z, 5/S, 6/G, 8/B/3, 0/9/8, '<'/K/C/L/E).
// Returns `second` when the TD3/TD2 pair (`first`, `second`, same length) already passes
// every check digit; else the first version of `second` with ONE such character swapped that
// passes every check digit (the composite check covers nearly the whole line, so a swap must
// fix its own field and the composite at once); else nullopt. Never returns a line whose
// check digits fail.
std::optional<std::string> RepairMrzConfusion(const std::string& first, const std::string& second);

// Finds MRZs in `text` (lines separated by '\n'). Each result's `line_indices` are the indices
// of the text lines it was built from. A lone 44- or 36-character second line whose check
// digits all pass is reported too (OCR often loses the filler-heavy first line). A second
// line of the wrong length is repaired (MrzLengthRepairs) only when the repair's check
// digits all pass.
struct FoundMrz {
  MrzResult mrz;
  std::vector<size_t> line_indices;
};
std::vector<FoundMrz> FindMrz(std::string_view text);

// Builds the two TD3 lines for the given fields, computing every check digit. Used to make
// test and evaluation data. Fields longer than their slot are cut; shorter are padded '<'.
std::vector<std::string> BuildTd3(std::string_view issuing_state, std::string_view surname,
                                  std::string_view given_names, std::string_view document_number,
                                  std::string_view nationality, std::string_view birth_yymmdd,
                                  char sex, std::string_view expiry_yymmdd,
                                  std::string_view personal_number);

}  // namespace ptmo::privacy::vision
