// Datasets: a named, typed table of rows on a connection. Each dataset type plugs in
// through DatasetType and the Registry. Used by one thread at a time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "mortar/config/model.h"
#include "mortar/connectors/connection.h"

namespace mortar {

struct ReadOptions {
  int64_t limit = -1;  // rows; -1 reads everything
  // Only these columns, in this order (empty: every column). Every dataset honours it:
  // the reader's schema is these columns. Files and tables push it down, so a CSV
  // converts and a database sends only what is asked for.
  std::vector<std::string> columns;
  // Where the read says how it reads, when it has a choice (a table's files read
  // directly, or why not), for the job log or the terminal. Unset: not said.
  std::function<void(const std::string&)> log;
};

// New content for a files dataset on cloud storage, written under a staged prefix by
// someone else (a database). Commit() makes the staged data files the dataset's
// content and removes the previous ones; Abort() (or destruction) removes the staged
// prefix, leaving the dataset as it was.
class CloudStaging {
 public:
  virtual ~CloudStaging() = default;
  virtual const CloudLocation& staged() const = 0;
  virtual Status Commit() = 0;
  virtual void Abort() = 0;
};

class Dataset {
 public:
  Dataset(config::DatasetConfig config, Connection* connection)
      : config_(std::move(config)), connection_(connection) {}
  virtual ~Dataset() = default;

  const std::string& name() const { return config_.name; }
  const config::DatasetConfig& config() const { return config_; }
  Connection& connection() const { return *connection_; }

  // The declared schema, or one detected from the data when none is declared.
  virtual Result<Schema> DetectSchema() = 0;
  Result<Schema> schema();

  virtual Result<std::unique_ptr<BatchReader>> Read(const ReadOptions& options) = 0;
  virtual Result<std::unique_ptr<BatchWriter>> OpenWriter(const Schema& schema, WriteMode mode) = 0;

  // For SQL datasets: the table (or, for a query dataset, a parenthesised subquery)
  // that in-database engines read from. nullopt for files.
  virtual std::optional<std::string> SqlSource() const { return std::nullopt; }
  // The table written by in-database engines (SQL table datasets only).
  virtual std::optional<sql::TableName> SqlTable() const { return std::nullopt; }

  // Files datasets on a cloud store: where they are and how their files are parsed
  // (no request made), for engines that let a database read or write them itself.
  virtual std::optional<CloudFiles> CloudFilesOf() const { return std::nullopt; }
  // A unique prefix beside such a dataset where a database may write its new content.
  virtual Result<std::unique_ptr<CloudStaging>> StageCloudFiles() {
    return Status::Invalid("dataset '" + name() + "' is not a files dataset on cloud storage");
  }

  // A fingerprint of the data for out-of-date checks ("" when unknown).
  virtual Result<std::string> Fingerprint() { return std::string(); }
  // Whether the dataset holds data at all (a missing file or table: false).
  virtual Result<bool> Exists() = 0;

 protected:
  config::DatasetConfig config_;
  Connection* connection_;
};

}  // namespace mortar
