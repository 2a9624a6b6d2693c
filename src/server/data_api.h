// The data API that the Python package calls: a dataset's schema, its rows as an Arrow
// IPC stream (out and in), SQL on a connection as an Arrow stream, a connection's
// client credentials (for Databricks Connect), and tickets. Every route is scoped to a
// project and authenticated by a ticket or an API key (Authorization: Bearer ...).
// Served by `mortar serve` and by the local server of a Python recipe. Thread-safe.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mortar/auth/token_source_cache.h"
#include "mortar/config/home.h"
#include "mortar/recipes/registry.h"
#include "mortar/security/permissions.h"
#include "mortar/server/ticket_store.h"
#include "server/route_table.h"

namespace mortar::server {

class IncomingWrite;  // incoming_write.h

class DataApi {
 public:
  using LogLine = std::function<void(const std::string&)>;
  // writer_log: where writers say how they write (fast-write's lines), e.g. a job log.
  DataApi(config::Home home, std::shared_ptr<const Registry> registry,
          std::shared_ptr<auth::TokenSourceCache> tokens, TicketStore& tickets,
          LogLine writer_log = nullptr);
  ~DataApi();
  DataApi(const DataApi&) = delete;
  DataApi& operator=(const DataApi&) = delete;

  void Register(RouteTable& http);
  // Whether a request path is one whose body streams (an Arrow upload) rather than
  // being read whole first.
  static bool StreamsBody(const std::string& path);

  // Whether an upload to such a path would be taken, judged from its headers alone:
  // the caller, their right to write the dataset, the mode. Answers a request that
  // sent 'Expect: 100-continue' before its body is sent, so a refused client neither
  // sends the body nor holds a worker thread while it does.
  Status AdmitUpload(const httplib::Request& request);

  // A recipe's writes (tickets with defer_commit) are held until the recipe ends:
  // committed together when it succeeded, aborted when it failed.
  Status CommitWrites(const std::string& ticket);
  void AbortWrites(const std::string& ticket);

 private:
  struct Grant;
  struct DatasetRequest;
  // The caller's grant, when they hold at least `role` on the project.
  Result<Grant> Authorize(const httplib::Request& request, const std::string& project,
                          security::ProjectRole role);
  // The dataset of a /datasets/<name> route, when the caller may read (or write) it.
  Result<DatasetRequest> OpenDataset(const httplib::Request& request, bool for_writing);
  Result<DatasetRequest> OpenDataset(const httplib::Request& request, const std::string& project,
                                     const std::string& name, bool for_writing);

  void DatasetSchema(const httplib::Request& request, httplib::Response& response);
  void RecordSchema(const httplib::Request& request, httplib::Response& response);
  void ReadRows(const httplib::Request& request, httplib::Response& response);
  void WriteRows(const httplib::Request& request, httplib::Response& response,
                 const httplib::ContentReader& content);
  void Query(const httplib::Request& request, httplib::Response& response);
  void ClientCredentials(const httplib::Request& request, httplib::Response& response);
  void MintTicket(const httplib::Request& request, httplib::Response& response);

  config::Home home_;
  std::shared_ptr<const Registry> registry_;
  std::shared_ptr<auth::TokenSourceCache> tokens_;
  TicketStore& tickets_;
  LogLine writer_log_;
  std::mutex pending_mutex_;
  // ticket -> dataset -> the write waiting for the recipe's end
  std::map<std::string, std::map<std::string, std::unique_ptr<IncomingWrite>>> pending_;
};

}  // namespace mortar::server
