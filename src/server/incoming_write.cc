#include "server/incoming_write.h"

#include <arrow/compute/api.h>
#include <arrow/io/file.h>

#include <optional>

#include "mortar/auth/oauth_client.h"
#include "mortar/core/text_conversion.h"
#include "server/column_lookup.h"
#include "server/error_reply.h"

namespace mortar::server {

void IncomingWrite::Abort() {
  if (writer) writer->Abort();
  writer.reset();
  if (spool) (void)spool->Close();
  spool.reset();
  if (!spool_path.empty()) {
    std::error_code ignored;
    std::filesystem::remove(spool_path, ignored);
    spool_path.clear();
  }
}

Status IncomingWrite::OpenSpool() {
  std::error_code error;
  std::filesystem::create_directories(spool_dir, error);
  spool_path = spool_dir / ("spool-" + auth::RandomUrlSafe() + ".arrows");
  auto file = arrow::io::FileOutputStream::Open(spool_path.string());
  if (!file.ok()) return FromArrowStatus(file.status()).WithContext("spooling a recipe's write");
  auto made = arrow::ipc::MakeStreamWriter(*file, arrow_schema);
  if (!made.ok()) return FromArrowStatus(made.status());
  spool = *made;
  return Status::OK();
}

Status IncomingWrite::OpenWriter() {
  MORTAR_ASSIGN_OR_RETURN(writer, dataset->OpenWriter(schema, mode));
  if (log) writer->set_log(log);
  return Status::OK();
}

Status IncomingWrite::OnSchema(std::shared_ptr<arrow::Schema> incoming) {
  if (Opened()) {
    // A second write of the same output in one recipe run, appending.
    return Match(*incoming);
  }
  if (with_schema || !declared) {
    auto converted = Schema::FromArrow(*incoming);
    if (!converted.ok()) {
      return WithReplyKind(Status::Invalid("cannot write into dataset '" + dataset->name() +
                                           "': " + converted.status().message()),
                           "type_conversion");
    }
    schema = *converted;
    record_schema = true;
  } else {
    schema = *declared;
  }
  arrow_schema = schema.ToArrow();
  MORTAR_RETURN_IF_ERROR(Match(*incoming));
  return spool_dir.empty() ? OpenWriter() : OpenSpool();
}

Status IncomingWrite::Match(const arrow::Schema& incoming) {
  sources.clear();
  std::vector<std::string> missing;
  for (const auto& column : schema.columns()) {
    auto index = FieldIndex(incoming, column.name);
    if (!index) {
      missing.push_back(column.name);
    } else {
      sources.push_back(*index);
    }
  }
  std::vector<std::string> extra;
  for (const auto& field : incoming.fields()) {
    if (!schema.IndexOf(field->name())) extra.push_back(field->name());
  }
  if (missing.empty() && extra.empty()) return Status::OK();
  std::string message = "the data does not match the schema of dataset '" + dataset->name() + "'";
  if (!missing.empty()) message += "; missing columns: " + JoinNames(missing);
  if (!extra.empty()) message += "; unknown columns: " + JoinNames(extra);
  return WithReplyKind(
      Status::Invalid(message + ". Write with write_with_schema() to replace the schema"),
      "schema_mismatch");
}

Status IncomingWrite::OnBatch(std::shared_ptr<arrow::RecordBatch> batch) {
  arrow::ArrayVector columns;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto& target = arrow_schema->field(static_cast<int>(i))->type();
    auto column = batch->column(sources[i]);
    bool floats =
        column->type_id() == arrow::Type::FLOAT || column->type_id() == arrow::Type::DOUBLE;
    if (!column->type()->Equals(*target)) {
      // Floats into decimals are rounded as Spark casts them, not as Arrow's cast does.
      auto cast = floats && schema[i].type.kind() == TypeKind::kDecimal
                      ? FloatsToDecimals(*column, schema[i].type,
                                         TextOrigin{"the data written", schema[i].name, rows + 1})
                      : FromArrowResult(arrow::compute::Cast(*column, target,
                                                             arrow::compute::CastOptions::Safe()));
      if (!cast.ok()) {
        const Column& wanted = schema[i];
        auto given = Type::FromArrow(*column->type());
        std::string given_name = given.ok() ? given->ToString() : column->type()->ToString();
        return WithReplyKind(
            Status::Invalid("cannot convert column '" + wanted.name + "' of dataset '" +
                            dataset->name() + "' from " + given_name + " to " +
                            wanted.type.ToString() + ": " + cast.status().message()),
            "type_conversion");
      }
      column = *cast;
    }
    columns.push_back(std::move(column));
  }
  auto conformed = arrow::RecordBatch::Make(arrow_schema, batch->num_rows(), std::move(columns));
  MORTAR_RETURN_IF_ERROR(spool ? FromArrowStatus(spool->WriteRecordBatch(*conformed))
                               : writer->Write(*conformed));
  rows += batch->num_rows();
  return Status::OK();
}

Status IncomingWrite::Unspool() {
  MORTAR_RETURN_IF_ERROR(FromArrowStatus(spool->Close()));
  spool.reset();
  MORTAR_RETURN_IF_ERROR(OpenWriter());
  auto file = arrow::io::ReadableFile::Open(spool_path.string());
  if (!file.ok()) return FromArrowStatus(file.status());
  auto reader = arrow::ipc::RecordBatchStreamReader::Open(*file);
  if (!reader.ok()) return FromArrowStatus(reader.status());
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    MORTAR_RETURN_IF_ERROR(FromArrowStatus((*reader)->ReadNext(&batch)));
    if (!batch) break;
    MORTAR_RETURN_IF_ERROR(writer->Write(*batch));
  }
  return Status::OK();
}

Status IncomingWrite::Commit() {
  if (spool) MORTAR_RETURN_IF_ERROR(Unspool());
  // The dataset's file is read before the data commits, so a file that cannot be read
  // fails the write with the data as it was, not after it changed.
  std::optional<config::DatasetConfig> config;
  const config::Project* project = nullptr;
  if (record_schema) {
    MORTAR_ASSIGN_OR_RETURN(project, context->project());
    MORTAR_ASSIGN_OR_RETURN(config, project->LoadDataset(dataset->name()));
    config->schema = schema;
  }
  MORTAR_RETURN_IF_ERROR(writer->Commit());
  writer.reset();
  Abort();  // removes the spool file
  return config ? project->SaveDataset(*config) : Status::OK();
}

}  // namespace mortar::server
