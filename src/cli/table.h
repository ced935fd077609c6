// A minimal aligned text table for terminal output (column widths in code points).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ptmo::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Replaces one cell of an added row (cells filled in once later results arrive).
  void SetCell(size_t row, size_t column, std::string value) {
    rows_.at(row).at(column) = std::move(value);
  }
  // Prints the header, a rule, and the rows; cells longer than `max_width` code points are
  // cut with "...", and newlines in cells are shown as "\n".
  void Print(std::ostream& os, size_t max_width = 48) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// `v` with `digits` decimals ("0.73"), for table cells and summary lines.
std::string Fixed(double v, int digits = 2);

// Cuts `s` to at most `max_cp` code points (adding "..."), escaping newlines and tabs.
std::string Abbreviate(const std::string& s, size_t max_cp);

}  // namespace ptmo::cli
