#include "connectors/databricks/statement_execution.h"

#include <arrow/util/base64.h>
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <nlohmann/json.hpp>

#include "mortar/core/sql_error_detail.h"
#include "testing/id_stream.h"

// The driver's own decisions, against scripted replies: what it sends, that a statement
// is never sent twice, and how the API's states and errors become statuses. The
// integration tests (tests/integration/test_faithful_warehouse.py, transport rest) run it
// against the stand-in's Statement Execution API.

namespace mortar::databricks {
namespace {

using Json = nlohmann::json;

class NoWaitClock final : public http::Clock {
 public:
  std::chrono::steady_clock::time_point Now() override { return now_; }
  std::chrono::system_clock::time_point WallNow() override {
    return std::chrono::system_clock::now();
  }
  void SleepFor(std::chrono::milliseconds duration) override { now_ += duration; }

 private:
  std::chrono::steady_clock::time_point now_{};
};

// Answers requests from a script, in order, and keeps what was sent.
struct Script {
  std::deque<http::Response> answers;
  std::vector<http::Request> sent;
};

class ScriptedTransport final : public http::Transport {
 public:
  explicit ScriptedTransport(Script* script) : script_(script) {}
  Result<http::Response> Send(const http::Request& request) override {
    script_->sent.push_back(request);
    if (script_->answers.empty()) return http::Response{200, {}, "{}"};
    http::Response response = script_->answers.front();
    script_->answers.pop_front();
    return response;
  }

 private:
  Script* script_;
};

http::Response Reply(int status, const Json& body, std::vector<http::Header> headers = {}) {
  return http::Response{status, std::move(headers), body.dump()};
}

class StatementExecutionTest : public ::testing::Test {
 protected:
  std::unique_ptr<StatementExecution> Driver(
      std::map<std::string, std::string> session_parameters = {}) {
    StatementExecutionOptions options;
    options.session_parameters = std::move(session_parameters);
    options.connection_name = "dbx";
    options.workspace_url = "https://example.cloud.databricks.com:443";
    options.warehouse_id = "abc123";
    options.catalog = "main";
    options.schema = "sales";
    options.retry.initial_backoff = std::chrono::milliseconds(1);
    options.clock = &clock_;
    options.download_transport = [] {
      return Result<std::unique_ptr<http::Transport>>(Status::Internal("no downloads here"));
    };
    return std::make_unique<StatementExecution>(
        options, std::make_unique<ScriptedTransport>(&script_),
        auth::MakeStaticTokenSource("dapi-secret", "a test token"));
  }

  std::vector<std::string> Calls() const {
    std::vector<std::string> calls;
    for (const auto& request : script_.sent) {
      calls.push_back(
          request.method + " " +
          request.url.substr(std::string("https://example.cloud.databricks.com:443").size()));
    }
    return calls;
  }

  NoWaitClock clock_;
  Script script_;
};

TEST(WarehouseIdOfTest, TakesTheIdOfASqlWarehousePathOnly) {
  EXPECT_EQ(*WarehouseIdOf("/sql/1.0/warehouses/8fdb92cb982e3ffb"), "8fdb92cb982e3ffb");
  EXPECT_EQ(*WarehouseIdOf("/sql/1.0/warehouses/8fdb92cb982e3ffb/"), "8fdb92cb982e3ffb");
  auto cluster = WarehouseIdOf("/sql/protocolv1/o/1667606831492051/0101-000000-630168d8");
  ASSERT_FALSE(cluster.ok());
  EXPECT_NE(cluster.status().message().find("params.http_path"), std::string::npos);
  EXPECT_NE(cluster.status().message().find("transport 'thrift' for a cluster"), std::string::npos);
  EXPECT_FALSE(WarehouseIdOf("/sql/1.0/warehouses/../../api").ok());
  EXPECT_FALSE(WarehouseIdOf("/sql/1.0/warehouses/").ok());
}

TEST_F(StatementExecutionTest, SendsTheStatementOnceAndPollsUntilItSucceeds) {
  script_.answers = {
      Reply(200, {{"statement_id", "01ef-aa"}, {"status", {{"state", "PENDING"}}}}),
      Reply(200, {{"statement_id", "01ef-aa"}, {"status", {{"state", "RUNNING"}}}}),
      // Only the first answer's id, checked, goes into URLs.
      Reply(200,
            {{"statement_id", "../../2.0/clusters/delete"},
             {"status", {{"state", "SUCCEEDED"}}},
             {"manifest", {{"total_chunk_count", 0}, {"schema", {{"columns", Json::array()}}}}}}),
  };
  ASSERT_TRUE(Driver()->Execute("CREATE TABLE t (id INT)").ok());
  EXPECT_EQ(Calls(),
            (std::vector<std::string>{
                "POST /api/2.0/sql/statements", "GET /api/2.0/sql/statements/01ef-aa",
                "GET /api/2.0/sql/statements/01ef-aa", "DELETE /api/2.0/sql/statements/01ef-aa"}));
  Json body = Json::parse(script_.sent[0].body);
  EXPECT_EQ(body["statement"], "CREATE TABLE t (id INT)");
  EXPECT_EQ(body["warehouse_id"], "abc123");
  EXPECT_EQ(body["catalog"], "main");
  EXPECT_EQ(body["schema"], "sales");
  EXPECT_EQ(body["format"], "ARROW_STREAM");
  EXPECT_EQ(body["disposition"], "INLINE_OR_EXTERNAL_LINKS");
  EXPECT_EQ(body["result_compression"], "LZ4_FRAME");
  EXPECT_EQ(script_.sent[0].Header("Authorization"), "Bearer dapi-secret");
}

TEST_F(StatementExecutionTest, AFailedStatementCarriesItsSqlState) {
  script_.answers = {Reply(
      200,
      {{"statement_id", "01ef-bb"},
       {"status",
        {{"state", "FAILED"},
         {"sql_state", "42P01"},
         {"error",
          {{"error_code", "BAD_REQUEST"},
           {"message", "[TABLE_OR_VIEW_NOT_FOUND] The table `nope` cannot be found.\n at"}}}}}})};
  Status status = Driver()->Execute("SELECT * FROM nope");
  EXPECT_EQ(status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(status.message(),
            "connection 'dbx': running the statement failed: [TABLE_OR_VIEW_NOT_FOUND] The "
            "table `nope` cannot be found.");
  const auto* sql = status.detail<SqlErrorDetail>();
  ASSERT_NE(sql, nullptr);
  EXPECT_EQ(sql->sqlstate, "42P01");
  EXPECT_EQ(sql->error_class, "TABLE_OR_VIEW_NOT_FOUND");
}

TEST_F(StatementExecutionTest, AStatementIsNeverSentTwice) {
  // A 503 without Retry-After may come after the statement ran: not retried.
  script_.answers = {Reply(503, {{"error_code", "TEMPORARILY_UNAVAILABLE"}, {"message", "busy"}})};
  Status status = Driver()->Execute("INSERT INTO t VALUES (1)");
  EXPECT_EQ(status.code(), ErrorCode::kRemote);
  EXPECT_EQ(Calls(), (std::vector<std::string>{"POST /api/2.0/sql/statements"}));
}

TEST_F(StatementExecutionTest, RefusedRequestsSayWhatToCheck) {
  script_.answers = {Reply(404, {{"error_code", "RESOURCE_DOES_NOT_EXIST"},
                                 {"message", "No SQL warehouse with id 'abc123'"}})};
  Status missing = Driver()->Execute("SELECT 1");
  EXPECT_EQ(missing.code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.message().find("RESOURCE_DOES_NOT_EXIST: No SQL warehouse"), std::string::npos);
  EXPECT_NE(missing.message().find("warehouse id at the end of params.http_path"),
            std::string::npos);
  script_.answers = {Reply(401, {{"error_code", "UNAUTHENTICATED"},
                                 {"message", "Invalid access token: it lacks the sql scope."}})};
  Status refused = Driver()->Execute("SELECT 1");
  EXPECT_EQ(refused.code(), ErrorCode::kAuth);
  EXPECT_NE(refused.message().find("lacks the sql scope"), std::string::npos);
  EXPECT_EQ(refused.message().find("dapi-secret"), std::string::npos);
}

TEST_F(StatementExecutionTest, ACancelledStatementIsCancelled) {
  script_.answers = {
      Reply(200, {{"statement_id", "01ef-cc"}, {"status", {{"state", "CANCELED"}}}})};
  EXPECT_EQ(Driver()->Execute("SELECT 1").code(), ErrorCode::kCancelled);
}

TEST_F(StatementExecutionTest, TheQueryTimeOutCancelsTheStatement) {
  script_.answers = {Reply(200, {{"statement_id", "01ef-dd"}, {"status", {{"state", "RUNNING"}}}})};
  for (int i = 0; i < 200; ++i) {
    script_.answers.push_back(
        Reply(200, {{"statement_id", "01ef-dd"}, {"status", {{"state", "RUNNING"}}}}));
  }
  StatementExecutionOptions timed;
  timed.connection_name = "dbx";
  timed.workspace_url = "https://example.cloud.databricks.com:443";
  timed.warehouse_id = "abc123";
  timed.query_timeout = std::chrono::seconds(1);
  timed.clock = &clock_;
  StatementExecution with_timeout(timed, std::make_unique<ScriptedTransport>(&script_),
                                  auth::MakeStaticTokenSource("dapi-secret", "a test token"));
  Status status = with_timeout.Execute("SELECT slow()");
  EXPECT_EQ(status.code(), ErrorCode::kRemote);
  EXPECT_NE(status.message().find("query time-out of 1 s"), std::string::npos);
  EXPECT_EQ(Calls().back(), "POST /api/2.0/sql/statements/01ef-dd/cancel");
}

TEST_F(StatementExecutionTest, AnEmptyResultTakesItsSchemaFromTheManifest) {
  script_.answers = {Reply(
      200, {{"statement_id", "01ef-ee"},
            {"status", {{"state", "SUCCEEDED"}}},
            {"manifest",
             {{"total_chunk_count", 0},
              {"total_row_count", 0},
              {"schema",
               {{"columns",
                 {{{"name", "amount"}, {"type_text", "DECIMAL(38,12)"}, {"type_name", "DECIMAL"}},
                  {{"name", "tags"}, {"type_text", "ARRAY<STRING>"}, {"type_name", "ARRAY"}}}}}}}},
            {"result", Json::object()}})};
  auto driver = Driver();  // readers live no longer than their driver
  {
    auto reader = driver->Query("SELECT amount, tags FROM t WHERE false");
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->schema().ToString(), "amount decimal(38,12), tags array<string>");
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok());
    EXPECT_FALSE(*batch);
  }
  EXPECT_EQ(Calls().back(), "DELETE /api/2.0/sql/statements/01ef-ee");
}

Json Succeeded(const std::string& id) {
  return {{"statement_id", id},
          {"status", {{"state", "SUCCEEDED"}}},
          {"manifest", {{"total_chunk_count", 0}, {"schema", {{"columns", Json::array()}}}}}};
}

TEST_F(StatementExecutionTest, StatementsRunInASessionThatSetsTheParametersAndIsDeletedAtTheEnd) {
  script_.answers = {Reply(200, {{"session_id", "5e55-01"}}),
                     Reply(200, Succeeded("01ef-a1")),
                     Reply(200, {}),
                     Reply(200, Succeeded("01ef-a2")),
                     Reply(200, {}),
                     Reply(200, {})};
  {
    auto driver = Driver({{"timezone", "UTC"}});
    ASSERT_TRUE(driver->Execute("SET x = 1").ok());
    ASSERT_TRUE(driver->Execute("SELECT 1").ok());
  }
  EXPECT_EQ(Calls(),
            (std::vector<std::string>{
                "POST /api/2.0/sql/sessions", "POST /api/2.0/sql/statements",
                "DELETE /api/2.0/sql/statements/01ef-a1", "POST /api/2.0/sql/statements",
                "DELETE /api/2.0/sql/statements/01ef-a2", "DELETE /api/2.0/sql/sessions/5e55-01"}));
  EXPECT_EQ(Json::parse(script_.sent[0].body), (Json{{"warehouse_id", "abc123"},
                                                     {"session_confs", {{"timezone", "UTC"}}},
                                                     {"catalog", "main"},
                                                     {"schema", "sales"}}));
  for (int sent : {1, 3}) {
    Json body = Json::parse(script_.sent[sent].body);
    EXPECT_EQ(body["session_id"], "5e55-01");
    EXPECT_FALSE(body.contains("catalog"));  // the session's
    EXPECT_FALSE(body.contains("schema"));
  }
  EXPECT_EQ(Json::parse(script_.sent[5].body),
            (Json{{"warehouse_id", "abc123"}, {"session_id", "5e55-01"}}));
}

TEST_F(StatementExecutionTest, AWorkspaceWithoutSessionsRunsStatementsInNone) {
  script_.answers = {Reply(404, {{"error_code", "ENDPOINT_NOT_FOUND"}, {"message", "No API."}}),
                     Reply(200, Succeeded("01ef-b1"))};
  {
    auto driver = Driver({{"timezone", "UTC"}});
    ASSERT_TRUE(driver->Execute("SELECT 1").ok());
  }
  EXPECT_EQ(Calls(),
            (std::vector<std::string>{"POST /api/2.0/sql/sessions", "POST /api/2.0/sql/statements",
                                      "DELETE /api/2.0/sql/statements/01ef-b1"}));
  Json body = Json::parse(script_.sent[1].body);
  EXPECT_FALSE(body.contains("session_id"));
  EXPECT_EQ(body["catalog"], "main");
}

TEST_F(StatementExecutionTest, ASessionThatCannotBeOpenedRunsNothing) {
  script_.answers = {Reply(400, {{"error_code", "INVALID_PARAMETER_VALUE"},
                                 {"message", "'timezone' has an invalid value."}})};
  Status status = Driver({{"timezone", "Mars/Olympus"}})->Execute("INSERT INTO t VALUES (1)");
  EXPECT_EQ(status.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(status.message().find("opening a session"), std::string::npos);
  EXPECT_EQ(Calls(), (std::vector<std::string>{"POST /api/2.0/sql/sessions"}));
}

// An Arrow stream of ids `count` rows long, base64 as an attachment carries it.
std::string IdsAttachment(int64_t count) {
  return arrow::util::base64_encode(testing::IdStream(0, count));
}

Json InlineReply(const std::string& attachment, int64_t announced_rows) {
  return {{"statement_id", "01ef-c1"},
          {"status", {{"state", "SUCCEEDED"}}},
          {"manifest",
           {{"format", "ARROW_STREAM"},
            {"total_chunk_count", 1},
            {"total_row_count", announced_rows},
            {"chunks", {{{"chunk_index", 0}, {"row_offset", 0}, {"row_count", announced_rows}}}},
            {"result_compression", "NONE"},
            {"schema", {{"columns", {{{"name", "id"}, {"type_text", "BIGINT"}}}}}}}},
          {"result", {{"chunk_index", 0}, {"row_offset", 0}, {"attachment", attachment}}}};
}

TEST_F(StatementExecutionTest, ASmallResultInTheAnswerIsReadWithoutADownload) {
  script_.answers = {Reply(200, InlineReply(IdsAttachment(5), 5))};
  auto driver = Driver();  // its downloads fail: none may be asked for
  {
    auto reader = driver->Query("SELECT id FROM range(5)");
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto batch = (*reader)->Next();
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_TRUE(*batch);
    EXPECT_EQ((*batch)->num_rows(), 5);
    auto end = (*reader)->Next();
    ASSERT_TRUE(end.ok()) << end.status().ToString();
    EXPECT_FALSE(*end);
  }
  EXPECT_EQ(Calls(), (std::vector<std::string>{"POST /api/2.0/sql/statements",
                                               "DELETE /api/2.0/sql/statements/01ef-c1"}));
}

TEST_F(StatementExecutionTest, ABadInlineResultIsRefusedSayingWhy) {
  script_.answers = {Reply(200, InlineReply("not base64!", 5))};
  auto driver = Driver();
  auto garbled = driver->Query("SELECT id FROM t");
  ASSERT_FALSE(garbled.ok());
  EXPECT_NE(garbled.status().message().find("sent inline is not base64"), std::string::npos);
  script_.answers = {Reply(200, InlineReply(arrow::util::base64_encode("no arrow here"), 5))};
  auto not_arrow = driver->Query("SELECT id FROM t");
  ASSERT_FALSE(not_arrow.ok());
  EXPECT_NE(not_arrow.status().message().find("not a valid Arrow stream"), std::string::npos);
  script_.answers = {Reply(200, InlineReply(IdsAttachment(4), 5))};
  auto reader = driver->Query("SELECT id FROM t");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ASSERT_TRUE((*reader)->Next().ok());
  auto short_by_one = (*reader)->Next();
  ASSERT_FALSE(short_by_one.ok());
  EXPECT_NE(short_by_one.status().message().find("holds 4 rows where the server announced 5"),
            std::string::npos);
}

TEST_F(StatementExecutionTest, AWorkspaceWithoutHybridResultsGetsLinksOnly) {
  // 400: the request was refused, so nothing ran; sent again once with EXTERNAL_LINKS.
  script_.answers = {Reply(400, {{"error_code", "INVALID_PARAMETER_VALUE"},
                                 {"message",
                                  "disposition must be one of INLINE, EXTERNAL_LINKS, not "
                                  "'INLINE_OR_EXTERNAL_LINKS'."}}),
                     Reply(200, Succeeded("01ef-d1")), Reply(200, {}),
                     Reply(200, Succeeded("01ef-d2"))};
  auto driver = Driver();
  ASSERT_TRUE(driver->Execute("INSERT INTO t VALUES (1)").ok());
  ASSERT_TRUE(driver->Execute("INSERT INTO t VALUES (2)").ok());
  EXPECT_EQ(Calls(), (std::vector<std::string>{
                         "POST /api/2.0/sql/statements", "POST /api/2.0/sql/statements",
                         "DELETE /api/2.0/sql/statements/01ef-d1", "POST /api/2.0/sql/statements",
                         "DELETE /api/2.0/sql/statements/01ef-d2"}));
  EXPECT_EQ(Json::parse(script_.sent[1].body)["disposition"], "EXTERNAL_LINKS");
  EXPECT_EQ(Json::parse(script_.sent[3].body)["disposition"], "EXTERNAL_LINKS");
  // Any other refusal is the answer: nothing is sent again.
  script_.sent.clear();
  script_.answers = {Reply(400, {{"error_code", "INVALID_PARAMETER_VALUE"},
                                 {"message", "The statement is longer than 16 MiB."}})};
  EXPECT_FALSE(Driver()->Execute("INSERT INTO t VALUES (3)").ok());
  EXPECT_EQ(Calls(), (std::vector<std::string>{"POST /api/2.0/sql/statements"}));
}

}  // namespace
}  // namespace mortar::databricks
