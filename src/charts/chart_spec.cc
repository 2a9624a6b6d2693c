// Chart definitions: parsing with errors that name the file and field, and the one
// aggregation query a chart compiles to.
#include <algorithm>

#include "mortar/charts/chart.h"
#include "mortar/config/home.h"
#include "mortar/sql/expression.h"
#include "mortar/sql/query.h"

namespace mortar::charts {

namespace {

using config::ConfigObject;

constexpr std::pair<std::string_view, ChartType> kTypes[] = {
    {"bar", ChartType::kBar},
    {"line", ChartType::kLine},
    {"area", ChartType::kArea},
    {"pie", ChartType::kPie},
    {"scatter", ChartType::kScatter},
    {"histogram", ChartType::kHistogram},
    {"pivot_table", ChartType::kPivotTable}};

constexpr std::pair<std::string_view, sql::DatePart> kDateBins[] = {
    {"year", sql::DatePart::kYear},
    {"month", sql::DatePart::kMonth},
    {"day", sql::DatePart::kDay},
    {"hour", sql::DatePart::kHour}};

constexpr std::pair<std::string_view, sql::Aggregate> kFunctions[] = {
    {"count", sql::Aggregate::kCount}, {"count_distinct", sql::Aggregate::kCountDistinct},
    {"sum", sql::Aggregate::kSum},     {"avg", sql::Aggregate::kAvg},
    {"min", sql::Aggregate::kMin},     {"max", sql::Aggregate::kMax}};

std::string BinName(const Dimension& dimension) {
  if (dimension.date_bin) {
    for (const auto& [name, part] : kDateBins) {
      if (part == *dimension.date_bin) return std::string(name);
    }
  }
  if (dimension.bin_width > 0) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", dimension.bin_width);
    return std::string("bins of ") + text;
  }
  return {};
}

}  // namespace

Result<ChartSpec> ChartSpec::FromJson(const config::Json& json, const std::string& file) {
  ConfigObject object(json, file);
  MORTAR_RETURN_IF_ERROR(
      object.CheckObject({"name", "dataset", "type", "dimensions", "measures", "filters", "sort",
                          "limit", "max_bins", "sample_rows", "engine", "description"}));
  ChartSpec spec;
  spec.file = file;
  spec.definition = json;
  MORTAR_ASSIGN_OR_RETURN(spec.name, object.String("name"));
  MORTAR_ASSIGN_OR_RETURN(spec.dataset, object.String("dataset"));
  MORTAR_ASSIGN_OR_RETURN(
      std::string type,
      object.ChoiceOr("type", {"bar", "line", "area", "pie", "scatter", "histogram", "pivot_table"},
                      "bar"));
  for (const auto& [name, value] : kTypes) {
    if (name == type) spec.type = value;
  }
  MORTAR_ASSIGN_OR_RETURN(spec.engine,
                          object.ChoiceOr("engine", {"auto", "live", "local"}, "auto"));
  MORTAR_ASSIGN_OR_RETURN(auto dimensions, object.Array("dimensions"));
  for (const auto& entry : dimensions) {
    MORTAR_RETURN_IF_ERROR(entry.CheckObject({"column", "bin"}));
    Dimension dimension;
    MORTAR_ASSIGN_OR_RETURN(dimension.column, entry.String("column"));
    if (entry.Has("bin")) {
      const config::Json& bin = entry.json()["bin"];
      if (bin.is_number() && bin.get<double>() > 0) {
        dimension.bin_width = bin.get<double>();
      } else if (bin.is_string()) {
        for (const auto& [name, part] : kDateBins) {
          if (name == bin.get<std::string>()) dimension.date_bin = part;
        }
      }
      if (dimension.bin_width == 0 && !dimension.date_bin) {
        return entry.Error("bin", "expected a positive bin width, or year, month, day or hour");
      }
    }
    spec.dimensions.push_back(std::move(dimension));
  }
  std::size_t most = spec.type == ChartType::kPivotTable ? 2 : 1;
  if (spec.dimensions.empty() || spec.dimensions.size() > most) {
    return object.Error("dimensions", "a " + type + " chart has " +
                                          (most == 1 ? std::string("one dimension")
                                                     : std::string("one or two dimensions")));
  }
  if (spec.type == ChartType::kHistogram && spec.dimensions[0].bin_width == 0) {
    return object.Error("dimensions", "a histogram bins its dimension: give \"bin\": <width>");
  }
  MORTAR_ASSIGN_OR_RETURN(auto measures, object.Array("measures"));
  for (const auto& entry : measures) {
    MORTAR_RETURN_IF_ERROR(entry.CheckObject({"column", "function"}));
    Measure measure;
    MORTAR_ASSIGN_OR_RETURN(
        measure.function,
        entry.ChoiceOr("function", {"count", "count_distinct", "sum", "avg", "min", "max"},
                       "count"));
    MORTAR_ASSIGN_OR_RETURN(measure.column, entry.StringOr("column", ""));
    if (measure.column.empty() && measure.function != "count") {
      return entry.Error("column", measure.function + " needs a column");
    }
    spec.measures.push_back(std::move(measure));
  }
  if (spec.measures.empty()) spec.measures.push_back(Measure{"", "count"});
  MORTAR_ASSIGN_OR_RETURN(spec.filters, object.StringsOr("filters", {}));
  if (object.Has("sort")) {
    MORTAR_ASSIGN_OR_RETURN(ConfigObject sort, object.Object("sort"));
    MORTAR_RETURN_IF_ERROR(sort.CheckObject({"by", "descending"}));
    MORTAR_ASSIGN_OR_RETURN(std::string by,
                            sort.ChoiceOr("by", {"dimension", "measure"}, "dimension"));
    spec.sort_by_measure = by == "measure";
    MORTAR_ASSIGN_OR_RETURN(spec.descending, sort.BooleanOr("descending", false));
  }
  MORTAR_ASSIGN_OR_RETURN(spec.max_bins, object.IntegerOr("max_bins", 1000));
  if (spec.max_bins < 1 || spec.max_bins > 100000) {
    return object.Error("max_bins", "must be between 1 and 100000");
  }
  MORTAR_ASSIGN_OR_RETURN(spec.limit, object.IntegerOr("limit", -1));
  if (spec.limit == 0 || spec.limit < -1 || spec.limit > spec.max_bins) {
    return object.Error("limit",
                        "must be between 1 and max_bins (" + std::to_string(spec.max_bins) + ")");
  }
  MORTAR_ASSIGN_OR_RETURN(spec.sample_rows, object.IntegerOr("sample_rows", 100000));
  // The local engine copies its sample into a scratch database: bounded, as a chart
  // preview needs only read access.
  if (spec.sample_rows < 1 || spec.sample_rows > 10'000'000) {
    return object.Error("sample_rows",
                        "must be between 1 and 10000000 (a larger chart runs live, on a database)");
  }
  return spec;
}

Result<ChartSpec> ChartSpec::Load(const std::filesystem::path& path) {
  MORTAR_ASSIGN_OR_RETURN(config::Json json, config::ReadJsonFile(path));
  return FromJson(json, path.string());
}

std::vector<std::string> ChartSpec::Labels() const {
  std::vector<std::string> labels;
  for (const auto& dimension : dimensions) {
    std::string bin = BinName(dimension);
    labels.push_back(bin.empty() ? dimension.column : dimension.column + " (" + bin + ")");
  }
  for (const auto& measure : measures) {
    labels.push_back(measure.column.empty() ? "count"
                                            : measure.function + "(" + measure.column + ")");
  }
  return labels;
}

Result<std::string> ChartSpec::ToSql(const sql::Dialect& dialect, const std::string& source,
                                     const Schema& schema) const {
  auto error = [&](const Status& status) {
    return status.WithContext(file.empty() ? "chart '" + name + "'" : file);
  };
  std::vector<std::string> items;
  std::vector<std::string> groups;
  for (std::size_t i = 0; i < dimensions.size(); ++i) {
    const Dimension& dimension = dimensions[i];
    auto index = schema.IndexOf(dimension.column);
    if (!index) {
      return error(Status::Invalid("unknown column '" + dimension.column +
                                   "' (the columns are: " + schema.ToString() + ")"));
    }
    const Column& column = schema[*index];
    std::string group = dialect.QuoteIdentifier(column.name);  // what rows are grouped on
    std::string label = group;                                 // and the bin's value
    if (dimension.bin_width > 0) {
      if (!column.type.IsNumeric()) {
        return error(Status::Invalid("type mismatch: bins of a width need numbers; '" +
                                     column.name + "' is " + column.type.ToString()));
      }
      char width[32];
      std::snprintf(width, sizeof(width), "%.17g", dimension.bin_width);
      group = label =
          "FLOOR(" + dialect.Cast(group, Type::Double()) + " / " + width + ") * " + width;
    } else if (dimension.date_bin) {
      if (!column.type.IsTemporal()) {
        return error(Status::Invalid("type mismatch: date bins need a date or timestamp; '" +
                                     column.name + "' is " + column.type.ToString()));
      }
      group = dialect.DateBinKey(*dimension.date_bin, group);
      label = dialect.DateBinLabel(*dimension.date_bin, group);
    }
    items.push_back(label + " AS " + dialect.QuoteIdentifier("d" + std::to_string(i)));
    groups.push_back(group);
  }
  Type first_measure = Type::Int64();  // what the first measure's values are, to sort by
  for (std::size_t i = 0; i < measures.size(); ++i) {
    const Measure& measure = measures[i];
    std::string call = "COUNT(*)";
    if (!measure.column.empty()) {
      auto index = schema.IndexOf(measure.column);
      if (!index) {
        return error(Status::Invalid("unknown column '" + measure.column +
                                     "' (the columns are: " + schema.ToString() + ")"));
      }
      const Column& column = schema[*index];
      sql::Aggregate aggregate = sql::Aggregate::kCount;
      for (const auto& [function, value] : kFunctions) {
        if (function == measure.function) aggregate = value;
      }
      if ((aggregate == sql::Aggregate::kSum || aggregate == sql::Aggregate::kAvg) &&
          !column.type.IsNumeric()) {
        return error(Status::Invalid("type mismatch: " + measure.function + " needs numbers; '" +
                                     column.name + "' is " + column.type.ToString()));
      }
      call = dialect.AggregateCall(aggregate, dialect.QuoteIdentifier(column.name), column.type);
      bool keeps_type = aggregate == sql::Aggregate::kSum || aggregate == sql::Aggregate::kAvg ||
                        aggregate == sql::Aggregate::kMin || aggregate == sql::Aggregate::kMax;
      if (i == 0 && keeps_type) first_measure = column.type;
    }
    items.push_back(call + " AS " + dialect.QuoteIdentifier("m" + std::to_string(i)));
  }
  std::string where;
  for (const auto& filter : filters) {
    auto condition = sql::CompileCondition(filter, dialect, schema);
    if (!condition.ok()) return error(condition.status());
    where += (where.empty() ? "WHERE " : "\n  AND ") + *condition;
  }
  std::string group_by;
  for (const auto& group : groups) group_by += (group_by.empty() ? "" : ", ") + group;
  std::string direction = descending ? " DESC NULLS LAST" : " ASC NULLS LAST";
  std::string order;
  if (sort_by_measure) {
    order = dialect.OrderedByValue(dialect.QuoteIdentifier("m0"), first_measure) + direction;
  } else {
    for (std::size_t i = 0; i < dimensions.size(); ++i) {
      order += (order.empty() ? "" : ", ") + dialect.QuoteIdentifier("d" + std::to_string(i)) +
               direction;
    }
  }
  int64_t rows = limit > 0 ? limit : max_bins + 1;
  std::string sql = "SELECT\n  " + sql::JoinLines(items) + "\nFROM " + source;
  if (!where.empty()) sql += "\n" + where;
  sql += "\nGROUP BY " + group_by + "\nORDER BY " + order + "\nLIMIT " + std::to_string(rows);
  return sql;
}

Result<std::vector<ChartSpec>> ListCharts(const config::Project& project) {
  std::filesystem::path folder = project.dir() / "charts";
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ChartSpec> charts;
  for (const auto& file : files) {
    MORTAR_ASSIGN_OR_RETURN(ChartSpec spec, ChartSpec::Load(file));
    charts.push_back(std::move(spec));
  }
  return charts;
}

Result<ChartSpec> LoadChart(const config::Project& project, const std::string& name) {
  bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  if (!plain) {
    return Status::Invalid("'" + name + "' is not a chart name (letters, digits, '_' and '-')");
  }
  std::filesystem::path file = project.dir() / "charts" / (name + ".json");
  if (!std::filesystem::exists(file)) {
    return Status::NotFound("no chart named '" + name + "' in project '" + project.name() + "' (" +
                            file.string() + " is missing)");
  }
  return ChartSpec::Load(file);
}

config::Json ChartDataJson(const ChartSpec& spec, const ChartData& data) {
  config::Json rows = config::Json::array();
  for (const auto& row : data.rows) rows.push_back(row);
  std::string type;
  for (const auto& [name, value] : kTypes) {
    if (value == spec.type) type = name;
  }
  return {{"chart", spec.name},      {"type", type},          {"dataset", spec.dataset},
          {"engine", data.engine},   {"cached", data.cached}, {"sql", data.sql},
          {"columns", data.columns}, {"rows", rows}};
}

}  // namespace mortar::charts
