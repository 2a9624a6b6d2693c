// Replies recorded from real Databricks compute (test/recorded/databricks/, from
// databricks-jdbc's test resources; provenance and licence in its README.md), read with
// Mortar's wire types and decoded with Mortar's result decoder, without a server.
#include <arrow/api.h>
#include <gtest/gtest.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <fstream>
#include <sstream>

#include "TCLIService.h"
#include "connectors/databricks/result_decoder.h"

namespace mortar::databricks {
namespace {

using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::transport::TMemoryBuffer;

std::string Recorded(const std::string& name) {
  const char* root = std::getenv("MORTAR_SOURCE_DIR");
  std::string path = std::string(root ? root : MORTAR_SOURCE_DIR) + "/test/recorded/databricks/" +
                     name + ".response.bin";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Reads one recorded reply message into the result struct of its method.
template <typename Result>
Result ReadReply(const std::string& name, const std::string& method) {
  std::string bytes = Recorded(name);
  auto buffer = std::make_shared<TMemoryBuffer>(reinterpret_cast<uint8_t*>(bytes.data()),
                                                static_cast<uint32_t>(bytes.size()));
  TBinaryProtocol protocol(buffer);
  std::string called;
  apache::thrift::protocol::TMessageType type;
  int32_t sequence = 0;
  protocol.readMessageBegin(called, type, sequence);
  EXPECT_EQ(called, method);
  Result result;
  result.read(&protocol);
  protocol.readMessageEnd();
  return result;
}

wire::TExecuteStatementResp Execute(const std::string& name) {
  auto result = ReadReply<wire::TCLIService_ExecuteStatement_result>(name, "ExecuteStatement");
  EXPECT_TRUE(result.__isset.success);
  return result.success;
}

std::vector<std::string> Strings(const std::vector<Batch>& batches, int column) {
  std::vector<std::string> out;
  for (const auto& batch : batches) {
    const auto& array = static_cast<const arrow::StringArray&>(*batch->column(column));
    for (int64_t i = 0; i < array.length(); ++i)
      out.push_back(array.IsNull(i) ? "<null>" : array.GetString(i));
  }
  return out;
}

const std::vector<std::string> kEdgeCases = {
    "   leading and trailing spaces   ", "\u3053\u3093\u306b\u3061\u306f",
    "special chars: !@#$%^&*()", "string with \"double quotes\" inside", "<null>"};

TEST(RecordedRepliesTest, InlineArrowWithLz4FromDirectResults) {
  auto reply = Execute("jdbc_exec_inline_arrow_lz4_2batches_join");
  const auto& direct = reply.directResults;
  ASSERT_TRUE(direct.__isset.resultSetMetadata && direct.__isset.resultSet);
  EXPECT_TRUE(direct.__isset.closeOperation);
  const auto& metadata = direct.resultSetMetadata;
  EXPECT_EQ(metadata.resultFormat, 0);  // ARROW_BASED_SET
  ASSERT_TRUE(metadata.lz4Compressed);
  std::vector<std::string> batches;
  for (const auto& batch : direct.resultSet.results.arrowBatches) batches.push_back(batch.batch);
  ASSERT_EQ(batches.size(), 2u);
  auto decoded = DecodeArrowBatches(metadata.arrowSchema, batches, true);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(Strings(*decoded, 1),
            (std::vector<std::string>{"related_value4_table2", "related_value2_table2"}));
  auto schema = SchemaOf(metadata.schema);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->size(), 2u);
}

TEST(RecordedRepliesTest, TheSameRowsAsArrowAndAsColumns) {
  auto arrow_reply = Execute("jdbc_exec_inline_arrow_lz4_strings");
  const auto& metadata = arrow_reply.directResults.resultSetMetadata;
  std::vector<std::string> batches;
  for (const auto& batch : arrow_reply.directResults.resultSet.results.arrowBatches)
    batches.push_back(batch.batch);
  auto arrow_rows = DecodeArrowBatches(metadata.arrowSchema, batches, metadata.lz4Compressed);
  ASSERT_TRUE(arrow_rows.ok()) << arrow_rows.status().ToString();
  EXPECT_EQ(Strings(*arrow_rows, 1), kEdgeCases);

  auto column_reply = Execute("jdbc_exec_column_based_strings");
  EXPECT_EQ(column_reply.directResults.resultSetMetadata.resultFormat, 1);  // COLUMN_BASED_SET
  auto schema = SchemaOf(column_reply.directResults.resultSetMetadata.schema);
  ASSERT_TRUE(schema.ok());
  const auto& rows = column_reply.directResults.resultSet.results;
  EXPECT_EQ(ColumnRowCount(rows), 5);
  auto batch = DecodeColumns(rows, *schema, 1, "recorded reply");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(Strings({*batch}, 1), kEdgeCases);  // the null bitmap 0x10: the fifth row
}

TEST(RecordedRepliesTest, MetadataCallsAnswerColumnsOfText) {
  auto result =
      ReadReply<wire::TCLIService_GetTables_result>("jdbc_gettables_column_based", "GetTables");
  const auto& direct = result.success.directResults;
  auto schema = SchemaOf(direct.resultSetMetadata.schema);
  ASSERT_TRUE(schema.ok());
  ASSERT_TRUE(schema->IndexOf("TABLE_NAME").has_value());
  auto batch = DecodeColumns(direct.resultSet.results, *schema, 1, "GetTables");
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(Strings({*batch}, static_cast<int>(*schema->IndexOf("TABLE_NAME"))),
            std::vector<std::string>{"catalog_and_schema_test_table"});
}

TEST(RecordedRepliesTest, CloudFetchLinksAsDatabricksDefinesThem) {
  auto reply = Execute("jdbc_exec_url_based_set_2links");
  const auto& direct = reply.directResults;
  EXPECT_FALSE(direct.__isset.closeOperation);          // the files are still to be read
  EXPECT_EQ(direct.resultSetMetadata.resultFormat, 3);  // URL_BASED_SET
  const auto& links = direct.resultSet.results.resultLinks;
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].startRowOffset, 0);
  EXPECT_EQ(links[1].startRowOffset, links[0].rowCount);
  EXPECT_EQ(links[1].rowCount, 24620);
  // bytesNum is the size after decompression (the recorded file: 1,624,722 bytes of LZ4
  // that decompress to 4,213,728); expiryTime is in milliseconds, 15 minutes ahead.
  EXPECT_EQ(links[1].bytesNum, 4213728);
  EXPECT_EQ(links[0].expiryTime, 1743143928085);
  EXPECT_EQ(direct.resultSetMetadata.uncompressedBytes, links[0].bytesNum + links[1].bytesNum);
  auto schema = SchemaOf(direct.resultSetMetadata.schema);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->size(), 16u);
}

TEST(RecordedRepliesTest, AStatementErrorInTheStatus) {
  auto reply = Execute("jdbc_exec_error_parse_syntax");
  EXPECT_FALSE(reply.__isset.operationHandle);
  EXPECT_EQ(reply.status.statusCode, 3);  // ERROR_STATUS
  EXPECT_EQ(reply.status.sqlState, "42601");
  EXPECT_NE(reply.status.displayMessage.find("[PARSE_SYNTAX_ERROR]"), std::string::npos);
}

}  // namespace
}  // namespace mortar::databricks
