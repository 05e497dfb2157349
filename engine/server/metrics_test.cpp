#include "engine/server/metrics.hpp"

#include <gtest/gtest.h>

namespace neuro::server {
namespace {

TEST(Metrics, CumulativeBucketsAndStatusClasses) {
  Metrics m(std::vector<RouteLabel>{{"GET", "/health"}});
  m.record(0, 200, std::chrono::microseconds(50));  // first bucket (0.0001 s)
  m.record(0, 204, std::chrono::milliseconds(3));   // 0.005 bucket
  m.record(0, 503, std::chrono::seconds(20));       // beyond the last bound: +Inf only
  m.record(m.unmatched(), 404, std::chrono::microseconds(10));
  std::string out;
  m.render(out);
  EXPECT_NE(
      out.find("neuroperf_http_requests_total{method=\"GET\",route=\"/health\",status=\"2xx\"} 2"),
      std::string::npos);
  EXPECT_NE(
      out.find("neuroperf_http_requests_total{method=\"GET\",route=\"/health\",status=\"5xx\"} 1"),
      std::string::npos);
  EXPECT_NE(out.find("route=\"unmatched\",status=\"4xx\"} 1"), std::string::npos);
  EXPECT_NE(out.find("status=\"2xx\",le=\"0.0001\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("status=\"2xx\",le=\"0.0025\"} 1\n"), std::string::npos);
  EXPECT_NE(out.find("status=\"2xx\",le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("status=\"5xx\",le=\"10\"} 0\n"), std::string::npos);
  EXPECT_NE(out.find("status=\"5xx\",le=\"+Inf\"} 1\n"), std::string::npos);
}

TEST(Metrics, LabelsAreEscaped) { EXPECT_EQ(prometheus_label("a\"b\\c\n"), "a\\\"b\\\\c\\n"); }

}  // namespace
}  // namespace neuro::server
