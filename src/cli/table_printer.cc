#include "cli/table_printer.h"

#include <arrow/api.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "mortar/config/model.h"
#include "mortar/core/cell_text.h"

namespace mortar::cli {

namespace {

constexpr std::size_t kMaxCellWidth = 40;

// Display width in code points (good enough for previews).
std::size_t Width(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80 ? 1 : 0;
  return width;
}

std::string Clip(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (Width(text) <= kMaxCellWidth) return text;
  std::string out;
  std::size_t width = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80 && ++width > kMaxCellWidth - 1) break;
    out += static_cast<char>(c);
  }
  return out + "…";
}

}  // namespace

void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& name : header) widths.push_back(Width(Clip(name)));
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], Width(Clip(row[i])));
    }
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < row.size() ? Clip(row[i]) : "";
      out << cell;
      if (i + 1 < widths.size()) out << std::string(widths[i] - Width(cell) + 2, ' ');
    }
    out << "\n";
  };
  print_row(header);
  std::vector<std::string> rule;
  for (std::size_t width : widths) rule.push_back(std::string(width, '-'));
  print_row(rule);
  for (const auto& row : rows) print_row(row);
}

Status PrintRows(std::ostream& out, BatchReader& reader, bool json) {
  const Schema& schema = reader.schema();
  std::vector<std::vector<std::string>> rows;
  nlohmann::json json_rows = nlohmann::json::array();
  while (true) {
    MORTAR_ASSIGN_OR_RETURN(Batch batch, reader.Next());
    if (!batch) break;
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      std::vector<std::string> row;
      nlohmann::json json_row = nlohmann::json::object();
      for (int c = 0; c < batch->num_columns(); ++c) {
        if (json) {
          json_row[schema[static_cast<std::size_t>(c)].name] =
              nlohmann::json::parse(CellToJson(*batch->column(c), r), nullptr, false);
        } else {
          row.push_back(batch->column(c)->IsNull(r) ? "NULL"
                                                    : CellToDisplayText(*batch->column(c), r));
        }
      }
      if (json) {
        json_rows.push_back(std::move(json_row));
      } else {
        rows.push_back(std::move(row));
      }
    }
  }
  if (json) {
    out << nlohmann::json{{"schema", config::SchemaToJson(schema)}, {"rows", json_rows}}.dump(2)
        << "\n";
  } else {
    std::vector<std::string> header;
    for (const auto& column : schema.columns()) header.push_back(column.name);
    PrintTable(out, header, rows);
    out << "(" << rows.size() << " rows)\n";
  }
  return Status::OK();
}

}  // namespace mortar::cli
