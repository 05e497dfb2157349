// The chart of one executable's changes against its baseline: a horizontal bar per benchmark
// (declared order) from 0 to its median change, coloured by its verdict, with its threshold
// marked and the change and p-value written beside it. Inline SVG, like the load report's
// charts (load/report/svg_chart.hpp): no script, fixed in the archived file.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace neuro::suite {

struct ChangeBar {
  std::string name;
  std::string status;   // compare's status name; decides the colour
  double change = 0.0;  // current / baseline - 1 of the gated metric
  double threshold = 0.0;
  std::optional<double> p_value;
};

// CSS colour of a status (the page's tables use the same).
const char* status_colour(const std::string& status);

// <svg class="change-chart" data-exe="ID">, one <g class="bar" data-status=...> per bar.
std::string render_change_chart(const std::string& id, const std::vector<ChangeBar>& bars);

}  // namespace neuro::suite
