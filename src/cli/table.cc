#include "cli/table.h"

#include <algorithm>
#include <cstdio>

#include "util/utf8.h"

namespace ptmo::cli {
namespace {

// Display width: East Asian wide characters (Hangul, CJK) take two terminal columns.
size_t DisplayWidth(const std::string& s) {
  size_t w = 0;
  for (char32_t cp : utf8::ToU32(s)) {
    bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0x1F300 && cp <= 0x1FAFF);
    w += wide ? 2 : 1;
  }
  return w;
}

}  // namespace

std::string Fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Abbreviate(const std::string& s, size_t max_cp) {
  std::u32string u = utf8::ToU32(s);
  std::u32string out;
  for (char32_t cp : u) {
    if (cp == '\n') {
      out += U"\\n";
    } else if (cp == '\t' || cp == '\r') {
      out += U" ";
    } else {
      out.push_back(cp);
    }
  }
  if (out.size() > max_cp) {
    out.resize(max_cp > 3 ? max_cp - 3 : 0);
    out += U"...";
  }
  return utf8::FromU32(out);
}

void Table::Print(std::ostream& os, size_t max_width) const {
  std::vector<std::vector<std::string>> cells;
  cells.push_back(header_);
  for (const auto& r : rows_) {
    std::vector<std::string> row;
    for (const auto& c : r) row.push_back(Abbreviate(c, max_width));
    cells.push_back(std::move(row));
  }
  std::vector<size_t> widths(header_.size(), 0);
  for (const auto& r : cells) {
    for (size_t i = 0; i < r.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(r[i]));
    }
  }
  auto print_row = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string c = i < r.size() ? r[i] : "";
      os << c;
      if (i + 1 < widths.size()) os << std::string(widths[i] - DisplayWidth(c) + 2, ' ');
    }
    os << "\n";
  };
  print_row(cells[0]);
  size_t total = 0;
  for (size_t w : widths) total += w + 2;
  os << std::string(total > 2 ? total - 2 : 0, '-') << "\n";
  for (size_t i = 1; i < cells.size(); ++i) print_row(cells[i]);
}

}  // namespace ptmo::cli
