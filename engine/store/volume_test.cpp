// The volume schema's four queries against the same answers computed in C++ from the generated
// rows (filter, sort, join by id maps, group and average).
#include "engine/store/volume.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "engine/store/test_support.hpp"

namespace neuro::store {
namespace {

class VolumeTest : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    data_ = make_volume_data(VolumeSpec{});
    create_volume_schema(db());
    load_volume_data(db(), data_);
  }
  VolumeData data_;
};

TEST_F(VolumeTest, GeneratorHasTheSpecsShape) {
  EXPECT_EQ(data_.users.size(), 500u);
  EXPECT_EQ(data_.projects.size(), 1500u);
  EXPECT_EQ(data_.sessions.size(), 100u);
  EXPECT_EQ(data_.events.size(), 20000u);
  EXPECT_EQ(db().exec("SELECT count(*) FROM detection_events").value(0, 0), "20000");
  EXPECT_THROW(make_volume_data(VolumeSpec{.users = 0}), base::InvalidArgument);
}

// The API's list of every user's projects, newest first, is read from an index, not by sorting
// the table (1,500 projects here; the planner's choice with sequential scans made costly).
TEST_F(VolumeTest, NewestProjectsReadFromAnIndex) {
  db().exec("SET enable_seqscan = off");
  const Result plan =
      db().exec("EXPLAIN SELECT id FROM projects ORDER BY created_at DESC, id DESC LIMIT 100");
  std::string text;
  for (int i = 0; i < plan.rows(); ++i) text.append(plan.value(i, 0)).append("\n");
  db().exec("RESET enable_seqscan");
  EXPECT_NE(text.find("projects_newest"), std::string::npos) << text;
  EXPECT_EQ(text.find("Sort"), std::string::npos) << text;
}

TEST_F(VolumeTest, UserProjects) {
  VolumeQueries queries(db());
  for (std::int64_t user : {1, 2, 250, 500, 501}) {
    std::vector<Project> expected;
    for (const auto& p : data_.projects) {
      if (p.user_id == user) expected.push_back(p);
    }
    std::sort(expected.begin(), expected.end(), [](const Project& a, const Project& b) {
      return a.created_us != b.created_us ? a.created_us > b.created_us : a.id < b.id;
    });
    const auto got = queries.user_projects(user);
    ASSERT_EQ(got.size(), expected.size()) << "user " << user;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].id, expected[i].id);
      EXPECT_EQ(got[i].name, expected[i].name);
      EXPECT_EQ(got[i].created_us, expected[i].created_us);
    }
  }
}

TEST_F(VolumeTest, RecentSessionsJoin) {
  VolumeQueries queries(db());
  std::map<std::int64_t, const Project*> projects;
  for (const auto& p : data_.projects) projects[p.id] = &p;
  std::map<std::int64_t, const User*> users;
  for (const auto& u : data_.users) users[u.id] = &u;
  auto sessions = data_.sessions;
  std::sort(sessions.begin(), sessions.end(), [](const TestSession& a, const TestSession& b) {
    return a.started_us != b.started_us ? a.started_us > b.started_us : a.id < b.id;
  });
  std::vector<SessionOwner> expected;
  for (std::size_t i = 0; i < 50; ++i) {
    const Project* p = projects.at(sessions[i].project_id);
    expected.push_back({sessions[i].id, sessions[i].status, p->name, users.at(p->user_id)->email});
  }
  EXPECT_EQ(queries.recent_sessions(50), expected);
}

TEST_F(VolumeTest, ProjectEventStats) {
  VolumeQueries queries(db());
  std::map<std::int64_t, std::int64_t> project_of_session;
  for (const auto& s : data_.sessions) project_of_session[s.id] = s.project_id;
  int checked_nonempty = 0;
  for (std::int64_t project :
       {data_.sessions[0].project_id, data_.sessions[7].project_id, std::int64_t{1500}}) {
    std::map<std::string, std::pair<std::int64_t, double>> expected;  // type -> (count, sum)
    for (const auto& e : data_.events) {
      if (project_of_session[e.session_id] != project) continue;
      auto& [count, sum] = expected[e.event_type];
      ++count;
      sum += e.confidence;
    }
    const auto got = queries.project_event_stats(project);
    ASSERT_EQ(got.size(), expected.size()) << "project " << project;
    std::size_t i = 0;
    for (const auto& [type, stats] : expected) {
      EXPECT_EQ(got[i].event_type, type);
      EXPECT_EQ(got[i].count, stats.first);
      const double mean = stats.second / static_cast<double>(stats.first);
      EXPECT_NEAR(got[i].mean_confidence, mean, 1e-12);
      ++i;
    }
    checked_nonempty += expected.empty() ? 0 : 1;
  }
  EXPECT_GE(checked_nonempty, 2);
}

TEST_F(VolumeTest, EventsPagination) {
  VolumeQueries queries(db());
  const std::int64_t session = 42;
  std::vector<DetectionEvent> expected;
  for (const auto& e : data_.events) {
    if (e.session_id == session) expected.push_back(e);
  }
  std::sort(expected.begin(), expected.end(), [](const DetectionEvent& a, const DetectionEvent& b) {
    return a.detected_us != b.detected_us ? a.detected_us > b.detected_us : a.id > b.id;
  });
  std::size_t seen = 0;
  for (std::int64_t offset = 0; offset < 250; offset += 50) {
    const auto page = queries.events_page(session, 50, offset);
    const std::size_t want =
        std::min<std::size_t>(50, expected.size() - std::min<std::size_t>(expected.size(), offset));
    ASSERT_EQ(page.size(), want) << "offset " << offset;
    for (std::size_t i = 0; i < page.size(); ++i) {
      const auto& e = expected[static_cast<std::size_t>(offset) + i];
      EXPECT_EQ(page[i].id, e.id);
      EXPECT_EQ(page[i].event_type, e.event_type);
      EXPECT_EQ(page[i].confidence, e.confidence);
      EXPECT_EQ(page[i].detected_us, e.detected_us);
    }
    seen += page.size();
  }
  EXPECT_EQ(seen, 200u);
}

}  // namespace
}  // namespace neuro::store
