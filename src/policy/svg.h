// A minimal SVG writer and the two report charts (grouped bars, scatter with a Pareto front).
#pragma once

#include <string>
#include <vector>

namespace ptmo::policy {

class SvgDocument {
 public:
  SvgDocument(int width, int height) : width_(width), height_(height) {}
  void Rect(double x, double y, double w, double h, const std::string& fill);
  void Line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
            bool dashed = false);
  void Polyline(const std::vector<std::pair<double, double>>& points, const std::string& stroke,
                double width = 1.5);
  void Circle(double cx, double cy, double r, const std::string& fill);
  // `anchor`: "start", "middle" or "end". Text is XML-escaped.
  void Text(double x, double y, const std::string& text, double size = 12,
            const std::string& anchor = "start", double rotate = 0);
  std::string str() const;

 private:
  int width_, height_;
  std::string body_;
};

// A colour for series i (a fixed qualitative palette).
std::string SeriesColor(size_t i);

struct BarChart {
  std::string title, y_label;
  std::vector<std::string> groups;         // x axis categories (e.g. budgets)
  std::vector<std::string> series;         // bars per group (e.g. policies)
  std::vector<std::vector<double>> value;  // [series][group]
  std::vector<std::vector<double>> error;  // [series][group], drawn as whiskers (may be empty)
};
std::string RenderBarChart(const BarChart& chart);

struct ScatterChart {
  std::string title, x_label, y_label;
  struct Point {
    double x, y;
    size_t series;
    std::string label;
  };
  std::vector<std::string> series;
  std::vector<Point> points;
  bool pareto_min_x_max_y = true;  // draw the front of points no other beats on both axes
};
std::string RenderScatterChart(const ScatterChart& chart);

}  // namespace ptmo::policy
