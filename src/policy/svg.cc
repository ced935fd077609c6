#include "policy/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ptmo::policy {
namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string Escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string Tick(double v) {
  char buf[32];
  const double a = std::fabs(v);
  std::snprintf(buf, sizeof buf, a != 0 && (a < 0.01 || a >= 1e4) ? "%.2g" : "%.3g", v);
  return buf;
}

// Round axis bounds to "nice" steps; returns the step.
double NiceRange(double* lo, double* hi) {
  if (*hi <= *lo) *hi = *lo + 1;
  const double raw = (*hi - *lo) / 5;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  }
  *lo = std::floor(*lo / step) * step;
  *hi = std::ceil(*hi / step) * step;
  return step;
}

}  // namespace

void SvgDocument::Rect(double x, double y, double w, double h, const std::string& fill) {
  body_ += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) + "\" height=\"" +
           Num(h) + "\" fill=\"" + fill + "\"/>\n";
}
void SvgDocument::Line(double x1, double y1, double x2, double y2, const std::string& stroke,
                       double width, bool dashed) {
  body_ += "<line x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" +
           Num(y2) + "\" stroke=\"" + stroke + "\" stroke-width=\"" + Num(width) + "\"" +
           (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>\n";
}
void SvgDocument::Polyline(const std::vector<std::pair<double, double>>& pts,
                           const std::string& stroke, double width) {
  std::string p;
  for (const auto& [x, y] : pts) p += Num(x) + "," + Num(y) + " ";
  body_ += "<polyline fill=\"none\" stroke=\"" + stroke + "\" stroke-width=\"" + Num(width) +
           "\" points=\"" + p + "\"/>\n";
}
void SvgDocument::Circle(double cx, double cy, double r, const std::string& fill) {
  body_ += "<circle cx=\"" + Num(cx) + "\" cy=\"" + Num(cy) + "\" r=\"" + Num(r) + "\" fill=\"" +
           fill + "\"/>\n";
}
void SvgDocument::Text(double x, double y, const std::string& text, double size,
                       const std::string& anchor, double rotate) {
  body_ += "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" font-size=\"" + Num(size) +
           "\" text-anchor=\"" + anchor + "\" font-family=\"sans-serif\"";
  if (rotate != 0) {
    body_ += " transform=\"rotate(" + Num(rotate) + " " + Num(x) + " " + Num(y) + ")\"";
  }
  body_ += ">" + Escape(text) + "</text>\n";
}
std::string SvgDocument::str() const {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width_) +
         "\" height=\"" + std::to_string(height_) + "\" viewBox=\"0 0 " + std::to_string(width_) +
         " " + std::to_string(height_) + "\">\n" +
         "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body_ + "</svg>\n";
}

std::string SeriesColor(size_t i) {
  static const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                   "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
  return kPalette[i % 10];
}

namespace {
struct Frame {
  double left = 70, right = 170, top = 40, bottom = 60;
  int width = 820, height = 460;
  double px0() const { return left; }
  double px1() const { return width - right; }
  double py0() const { return height - bottom; }
  double py1() const { return top; }
};

void Axes(SvgDocument& svg, const Frame& f, double lo, double hi, double step,
          const std::string& title, const std::string& y_label) {
  svg.Text(f.width / 2.0, 22, title, 15, "middle");
  for (double v = lo; v <= hi + step / 2; v += step) {
    const double y = f.py0() - (v - lo) / (hi - lo) * (f.py0() - f.py1());
    svg.Line(f.px0(), y, f.px1(), y, "#dddddd");
    svg.Text(f.px0() - 6, y + 4, Tick(v), 11, "end");
  }
  svg.Line(f.px0(), f.py0(), f.px1(), f.py0(), "#333333");
  svg.Line(f.px0(), f.py0(), f.px0(), f.py1(), "#333333");
  svg.Text(18, (f.py0() + f.py1()) / 2, y_label, 12, "middle", -90);
}

void Legend(SvgDocument& svg, const Frame& f, const std::vector<std::string>& series) {
  for (size_t s = 0; s < series.size(); ++s) {
    const double y = f.py1() + 10 + 18.0 * s;
    svg.Rect(f.px1() + 15, y - 9, 11, 11, SeriesColor(s));
    svg.Text(f.px1() + 31, y, series[s], 12);
  }
}
}  // namespace

std::string RenderBarChart(const BarChart& c) {
  Frame f;
  SvgDocument svg(f.width, f.height);
  double lo = 0, hi = 0;
  for (size_t s = 0; s < c.value.size(); ++s) {
    for (size_t g = 0; g < c.value[s].size(); ++g) {
      const double e = s < c.error.size() && g < c.error[s].size() ? c.error[s][g] : 0;
      lo = std::min(lo, c.value[s][g] - e);
      hi = std::max(hi, c.value[s][g] + e);
    }
  }
  const double step = NiceRange(&lo, &hi);
  Axes(svg, f, lo, hi, step, c.title, c.y_label);
  auto ypix = [&](double v) { return f.py0() - (v - lo) / (hi - lo) * (f.py0() - f.py1()); };
  const double gw = (f.px1() - f.px0()) / std::max<size_t>(1, c.groups.size());
  const double bw = gw * 0.8 / std::max<size_t>(1, c.series.size());
  for (size_t g = 0; g < c.groups.size(); ++g) {
    const double gx = f.px0() + g * gw + gw * 0.1;
    svg.Text(f.px0() + (g + 0.5) * gw, f.py0() + 18, c.groups[g], 12, "middle");
    for (size_t s = 0; s < c.series.size(); ++s) {
      const double v = c.value[s][g];
      const double x = gx + s * bw;
      const double y0 = ypix(0), y1 = ypix(v);
      svg.Rect(x, std::min(y0, y1), bw * 0.9, std::fabs(y1 - y0), SeriesColor(s));
      if (s < c.error.size() && g < c.error[s].size() && c.error[s][g] > 0) {
        const double cx = x + bw * 0.45;
        svg.Line(cx, ypix(v - c.error[s][g]), cx, ypix(v + c.error[s][g]), "#222222");
      }
    }
  }
  Legend(svg, f, c.series);
  return svg.str();
}

std::string RenderScatterChart(const ScatterChart& c) {
  Frame f;
  f.bottom = 70;
  SvgDocument svg(f.width, f.height);
  double xlo = 0, xhi = 0, ylo = 0, yhi = 0;
  bool first = true;
  for (const auto& p : c.points) {
    if (first) {
      xlo = xhi = p.x;
      ylo = yhi = p.y;
      first = false;
    }
    xlo = std::min(xlo, p.x), xhi = std::max(xhi, p.x);
    ylo = std::min(ylo, p.y), yhi = std::max(yhi, p.y);
  }
  xlo = std::min(xlo, 0.0);
  const double ystep = NiceRange(&ylo, &yhi);
  const double xstep = NiceRange(&xlo, &xhi);
  Axes(svg, f, ylo, yhi, ystep, c.title, c.y_label);
  auto xp = [&](double v) { return f.px0() + (v - xlo) / (xhi - xlo) * (f.px1() - f.px0()); };
  auto yp = [&](double v) { return f.py0() - (v - ylo) / (yhi - ylo) * (f.py0() - f.py1()); };
  for (double v = xlo; v <= xhi + xstep / 2; v += xstep) {
    svg.Line(xp(v), f.py0(), xp(v), f.py0() + 4, "#333333");
    svg.Text(xp(v), f.py0() + 18, Tick(v), 11, "middle");
  }
  svg.Text((f.px0() + f.px1()) / 2, f.py0() + 40, c.x_label, 12, "middle");
  if (c.pareto_min_x_max_y) {
    std::vector<ScatterChart::Point> front;
    for (const auto& p : c.points) {
      bool dominated = false;
      for (const auto& q : c.points) {
        if (q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y)) {
          dominated = true;
          break;
        }
      }
      if (!dominated) front.push_back(p);
    }
    std::sort(front.begin(), front.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
    std::vector<std::pair<double, double>> pts;
    for (const auto& p : front) pts.emplace_back(xp(p.x), yp(p.y));
    if (pts.size() >= 2) svg.Polyline(pts, "#888888", 1.5);
  }
  for (const auto& p : c.points) {
    svg.Circle(xp(p.x), yp(p.y), 4, SeriesColor(p.series));
    if (!p.label.empty()) svg.Text(xp(p.x) + 6, yp(p.y) - 5, p.label, 9);
  }
  Legend(svg, f, c.series);
  return svg.str();
}

}  // namespace ptmo::policy
