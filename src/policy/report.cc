#include "policy/report.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "policy/svg.h"

namespace ptmo::policy {
namespace {

std::string Fmt(double v, int digits = 6) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string EpsLabel(double eps) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "eps=%g", eps);
  return buf;
}

std::vector<double> Budgets(const std::vector<SummaryRow>& rows) {
  std::vector<double> b;
  for (const auto& r : rows)
    if (std::find(b.begin(), b.end(), r.eps) == b.end()) b.push_back(r.eps);
  return b;
}
std::vector<std::string> Policies(const std::vector<SummaryRow>& rows) {
  std::vector<std::string> p;
  for (const auto& r : rows)
    if (std::find(p.begin(), p.end(), r.policy) == p.end()) p.push_back(r.policy);
  return p;
}

}  // namespace

std::vector<SummaryRow> SummarizeResult(const ExperimentResult& result) {
  std::vector<double> budgets;
  for (const auto& r : result.rows)
    if (std::find(budgets.begin(), budgets.end(), r.eps) == budgets.end()) budgets.push_back(r.eps);
  std::vector<SummaryRow> out;
  for (double eps : budgets) {
    for (const std::string& name : result.policies) {
      std::vector<const PolicyMetrics*> ms;
      for (const auto& r : result.rows)
        if (r.eps == eps && r.policy == name) ms.push_back(&r.metrics);
      if (ms.empty()) continue;
      SummaryRow s;
      s.policy = name;
      s.eps = eps;
      s.seeds = static_cast<int>(ms.size());
      auto sum = [&](auto field) {
        std::vector<double> v;
        for (const auto* m : ms) v.push_back(field(*m));
        return Summarize(v);
      };
      s.reward = sum([](const PolicyMetrics& m) { return m.reward; });
      s.quality = sum([](const PolicyMetrics& m) { return m.quality; });
      s.latency_s = sum([](const PolicyMetrics& m) { return m.latency_s; });
      s.cost_usd = sum([](const PolicyMetrics& m) { return m.cost_usd; });
      s.privacy_risk = sum([](const PolicyMetrics& m) { return m.privacy_risk; });
      s.violation_privacy = sum([](const PolicyMetrics& m) { return m.violation_privacy; });
      s.violation_any = sum([](const PolicyMetrics& m) { return m.violation_any; });
      for (size_t a = 0; a < ms[0]->action_share.size(); ++a) {
        s.action_share.push_back(sum([a](const PolicyMetrics& m) { return m.action_share[a]; }));
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

std::string SummaryCsv(const std::vector<SummaryRow>& rows,
                       const std::vector<std::string>& action_names) {
  std::string csv = "eps,policy,seeds";
  for (const char* m : {"reward", "quality", "latency_s", "cost_usd", "privacy_risk",
                        "violation_privacy", "violation_any"}) {
    csv += std::string(",") + m + "_mean," + m + "_sd";
  }
  for (const auto& a : action_names) csv += ",share_" + a;
  csv += "\n";
  for (const auto& r : rows) {
    csv += Fmt(r.eps) + "," + r.policy + "," + std::to_string(r.seeds);
    for (const Summary* s : {&r.reward, &r.quality, &r.latency_s, &r.cost_usd, &r.privacy_risk,
                             &r.violation_privacy, &r.violation_any}) {
      csv += "," + Fmt(s->mean) + "," + Fmt(s->sd);
    }
    for (const auto& s : r.action_share) csv += "," + Fmt(s.mean);
    csv += "\n";
  }
  return csv;
}

std::string RewardChartSvg(const std::vector<SummaryRow>& rows) {
  BarChart c;
  c.title = "Mean reward per turn (held-out episodes; whiskers: sd over seeds)";
  c.y_label = "reward per turn";
  const auto budgets = Budgets(rows);
  c.series = Policies(rows);
  for (double b : budgets) c.groups.push_back(EpsLabel(b));
  c.value.assign(c.series.size(), std::vector<double>(budgets.size(), 0));
  c.error = c.value;
  for (const auto& r : rows) {
    const size_t s = std::find(c.series.begin(), c.series.end(), r.policy) - c.series.begin();
    const size_t g = std::find(budgets.begin(), budgets.end(), r.eps) - budgets.begin();
    c.value[s][g] = r.reward.mean;
    c.error[s][g] = r.reward.sd;
  }
  return RenderBarChart(c);
}

std::string ParetoChartSvg(const std::vector<SummaryRow>& rows) {
  ScatterChart c;
  c.title = "Quality vs privacy risk (grey: Pareto front)";
  c.x_label = "privacy risk per episode";
  c.y_label = "quality per turn";
  c.series = Policies(rows);
  for (const auto& r : rows) {
    const size_t s = std::find(c.series.begin(), c.series.end(), r.policy) - c.series.begin();
    char label[32];
    std::snprintf(label, sizeof label, "%g", r.eps);
    c.points.push_back({r.privacy_risk.mean, r.quality.mean, s, label});
  }
  return RenderScatterChart(c);
}

}  // namespace ptmo::policy
