// Test support: a result as the Databricks drivers receive one, before framing: a whole
// Arrow IPC stream of one BIGINT column `id`.
#pragma once

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/writer.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace mortar::testing {

// The ids from `start`, `rows` of them, in one record batch.
inline std::string IdStream(int64_t start, int64_t rows) {
  arrow::Int64Builder ids;
  for (int64_t i = start; i < start + rows; ++i) EXPECT_TRUE(ids.Append(i).ok());
  auto schema = arrow::schema({arrow::field("id", arrow::int64())});
  auto batch = arrow::RecordBatch::Make(schema, rows, {ids.Finish().ValueOrDie()});
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = arrow::ipc::MakeStreamWriter(sink, schema).ValueOrDie();
  EXPECT_TRUE(writer->WriteRecordBatch(*batch).ok());
  EXPECT_TRUE(writer->Close().ok());
  return sink->Finish().ValueOrDie()->ToString();
}

}  // namespace mortar::testing
