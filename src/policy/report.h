// Summaries of an experiment over seeds, as CSV and SVG charts.
#pragma once

#include <string>
#include <vector>

#include "policy/experiment.h"

namespace ptmo::policy {

struct SummaryRow {
  std::string policy;
  double eps = 0;
  int seeds = 0;
  Summary reward, quality, latency_s, cost_usd, privacy_risk, violation_privacy, violation_any;
  std::vector<Summary> action_share;
};

// One row per (eps, policy), budgets in the config's order and policies in result order.
std::vector<SummaryRow> SummarizeResult(const ExperimentResult& result);

// CSV with a header: eps, policy, seeds, then mean and sd of each metric, then the mean share
// of each action (columns named share_<action>).
std::string SummaryCsv(const std::vector<SummaryRow>& rows,
                       const std::vector<std::string>& action_names);

// Mean reward per policy per budget, with seed spread as whiskers.
std::string RewardChartSvg(const std::vector<SummaryRow>& rows);
// Quality per turn against privacy risk per episode, one point per (policy, budget), with the
// Pareto front (less risk, more quality).
std::string ParetoChartSvg(const std::vector<SummaryRow>& rows);

}  // namespace ptmo::policy
