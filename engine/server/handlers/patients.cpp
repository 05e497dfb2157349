// POST /api/v2/patients {"name","dob","mrn"}, GET /api/v2/patients[/{id}].
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"

namespace neuro::server::handlers {

namespace {
constexpr const char* kColumns =
    "id, name, coalesce(to_char(dob, 'YYYY-MM-DD'), ''), coalesce(mrn, ''), "
    "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

nlohmann::json patient_json(const store::Result& r, int row) {
  nlohmann::json j{{"id", r.value(row, 0)},
                   {"name", r.value(row, 1)},
                   {"dob", r.value(row, 2)},
                   {"mrn", r.value(row, 3)},
                   {"created_at", r.value(row, 4)}};
  if (j["dob"] == "") j["dob"] = nullptr;
  return j;
}

bool valid_date(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[static_cast<std::size_t>(i)]))) return false;
  }
  const int month = std::stoi(d.substr(5, 2)), day = std::stoi(d.substr(8, 2));
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}
}  // namespace

StringResponse create_patient(RequestContext& request) {
  const nlohmann::json body = json_body(request);
  const std::string name = require_string(body, "name");
  const auto dob = optional_string(body, "dob");
  const auto mrn = optional_string(body, "mrn");
  if (name.empty()) unprocessable("field 'name' must not be empty");
  if (dob && !valid_date(*dob)) unprocessable("field 'dob' must be a date YYYY-MM-DD");
  auto db = request.server->pg.acquire();
  const auto r = query(*db,
                       std::string("INSERT INTO api_patients (id, name, dob, mrn, created_by) "
                                   "VALUES ($1, $2, $3::date, $4, $5) RETURNING ") +
                           kColumns,
                       {new_id("pat_"), name, dob, mrn, request.user});
  return json_response(http::status::created, patient_json(r, 0));
}

StringResponse list_patients(RequestContext& request) {
  const auto limit = query_integer(request, "limit", 100, 1, 1000);
  const auto offset = query_integer(request, "offset", 0, 0, 1'000'000'000);
  auto db = request.server->pg.acquire();
  const auto r = query(
      *db,
      std::string("SELECT ") + kColumns + " FROM api_patients ORDER BY seq DESC LIMIT $1 OFFSET $2",
      {std::to_string(limit), std::to_string(offset)});
  nlohmann::json list = nlohmann::json::array();
  for (int i = 0; i < r.rows(); ++i) list.push_back(patient_json(r, i));
  return json_response(http::status::ok, {{"patients", std::move(list)}});
}

StringResponse get_patient(RequestContext& request) {
  auto db = request.server->pg.acquire();
  const auto r = query(*db, std::string("SELECT ") + kColumns + " FROM api_patients WHERE id = $1",
                       {request.param(0)});
  if (r.rows() == 0) not_found("no patient '" + request.param(0) + "'");
  return json_response(http::status::ok, patient_json(r, 0));
}

}  // namespace neuro::server::handlers
