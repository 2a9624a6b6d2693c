#include "connectors/filesystem/csv_options.h"

namespace mortar::filesystem {

namespace {

Result<char> SingleCharacter(const config::ConfigObject& object, const std::string& key,
                             char fallback) {
  MORTAR_ASSIGN_OR_RETURN(std::string value, object.StringOr(key, std::string(1, fallback)));
  if (value == "\\t" || value == "tab") return '\t';
  if (value.size() != 1)
    return object.Error(key, "expected a single character, found '" + value + "'");
  if (value == "\n" || value == "\r") return object.Error(key, "a line break cannot be used here");
  return value[0];
}

}  // namespace

Result<CsvOptions> CsvOptions::FromParams(const config::ConfigObject& params,
                                          const std::string& path) {
  MORTAR_ASSIGN_OR_RETURN(auto csv, params.ObjectOr("csv"));
  MORTAR_RETURN_IF_ERROR(
      csv.CheckObject({"header", "delimiter", "quote", "multiline", "compression"}));
  CsvOptions options;
  MORTAR_ASSIGN_OR_RETURN(options.header, csv.BooleanOr("header", true));
  MORTAR_ASSIGN_OR_RETURN(options.delimiter, SingleCharacter(csv, "delimiter", ','));
  MORTAR_ASSIGN_OR_RETURN(options.quote, SingleCharacter(csv, "quote", '"'));
  if (options.quote == options.delimiter) {
    return csv.Error("quote", "the quote character cannot be the delimiter");
  }
  MORTAR_ASSIGN_OR_RETURN(options.multiline, csv.BooleanOr("multiline", true));
  bool gz = path.size() > 3 && path.substr(path.size() - 3) == ".gz";
  MORTAR_ASSIGN_OR_RETURN(std::string compression,
                          csv.ChoiceOr("compression", {"auto", "none", "gzip"}, "auto"));
  options.compression = compression == "gzip" || (compression == "auto" && gz) ? Compression::kGzip
                                                                               : Compression::kNone;
  return options;
}

}  // namespace mortar::filesystem
