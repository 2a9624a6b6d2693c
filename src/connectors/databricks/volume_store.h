// Fast-write staging in a Unity Catalog volume, through the SQL connector's staging
// operations: Databricks answers `PUT '<local file>' INTO '/Volumes/...' OVERWRITE` and
// `REMOVE '/Volumes/...'` with a presigned URL (and headers) that the client then PUTs
// the file to or DELETEs itself. COPY INTO, and a query over the files
// (`parquet.\`/Volumes/...\``), read the volume with the user's own rights, so no
// credential travels in the load statement. Open-source Spark has no volumes.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "connectors/staging_store.h"
#include "mortar/http/transport.h"

namespace mortar::databricks {

// What a staging statement asks the client to do.
struct StagingAnswer {
  std::string operation;  // PUT, GET or REMOVE
  std::string url;        // presigned: a secret for as long as it lives
  std::vector<http::Header> headers;
};

// Runs one staging statement on the connection's session and returns its answer.
using StagingStatement = std::function<Result<StagingAnswer>(const std::string& sql)>;
using http::TransportFactory;

// `volume` is "/Volumes/<catalog>/<schema>/<volume>[/<path>]" (checked by
// ParseVolumePath). Statements are run one at a time; the HTTP transfers in parallel.
std::unique_ptr<StagingStore> MakeVolumeStagingStore(std::string volume, StagingStatement run,
                                                     TransportFactory transport);

// Checks and normalises a volume path: no trailing '/', no quote, no "..".
Result<std::string> ParseVolumePath(const std::string& path);

// The answer's row as the SQL connector returns it: columns operation, presignedUrl,
// localFile and headers (a JSON object of header names to values).
Result<StagingAnswer> StagingAnswerFromRow(const std::string& operation, const std::string& url,
                                           const std::string& headers_json);

}  // namespace mortar::databricks
