// The top N recipe: the first N rows in an order, overall or per group, optionally
// with each row's rank; in-database one ROW_NUMBER() query, and a streaming local
// engine of its own.
#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/exec.h>
#include <arrow/compute/row/grouper.h>
#include <arrow/util/byte_size.h>

#include "recipes/builtin_recipes.h"
#include "recipes/signless_zero.h"
#include "recipes/spark_sort_indices.h"
#include "recipes/top_n_engine.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

class TopNRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "top_n"; }

  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    ConfigObject params(recipe.params, recipe.file, "params");
    MORTAR_RETURN_IF_ERROR(params.CheckObject({"n", "order_by", "partition_by", "rank_column"}));
    MORTAR_ASSIGN_OR_RETURN(int64_t n, params.IntegerOr("n", -1));
    if (n < 0) return params.Error("n", "give how many rows to keep (0 or more)");
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    if (order.empty()) return params.Error("order_by", "top N needs an order");
    return Status::OK();
  }

  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_RETURN_IF_ERROR(Validate(recipe));
    ConfigObject params(recipe.params, recipe.file, "params");
    const Schema& input = inputs.front().schema;
    MORTAR_ASSIGN_OR_RETURN(int64_t n, params.IntegerOr("n", -1));
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    auto order_sql = OrderSql(order, dialect, input);
    if (!order_sql.ok()) return params.Error("order_by", order_sql.status().message());
    MORTAR_ASSIGN_OR_RETURN(std::string partition,
                            PartitionSql(params, "partition_by", dialect, input));
    MORTAR_ASSIGN_OR_RETURN(std::string rank_column, params.StringOr("rank_column", ""));
    if (!rank_column.empty()) {
      if (input.IndexOf(rank_column)) {
        return params.Error("rank_column", "a column is already named '" + rank_column + "'");
      }
      if (Status check = CheckOutputName(dialect, rank_column); !check.ok()) {
        return params.Error("rank_column", check.message());
      }
    }
    sql::QueryBuilder query(dialect, inputs.front().source, input);
    const std::string rank = "__rank";
    std::vector<std::string> items = query.PassThrough();
    items.push_back("ROW_NUMBER() OVER (" +
                    (partition.empty() ? "" : "PARTITION BY " + partition + " ") + "ORDER BY " +
                    *order_sql + ") AS " + dialect.QuoteIdentifier(rank));
    Schema ranked = input;
    ranked.Add(Column{rank, Type::Int64(), false});
    query.AddSelect("rank", items, ranked);
    items = query.PassThrough();
    items.pop_back();
    Schema output = input;
    if (!rank_column.empty()) {
      items.push_back(query.Item(dialect.QuoteIdentifier(rank), rank_column));
      output.Add(Column{rank_column, Type::Int64(), false});
    }
    query.AddSelect("top", items, output,
                    "WHERE " + dialect.QuoteIdentifier(rank) + " <= " + std::to_string(n));
    return std::vector<CompiledOutput>{{query.ToSql(), query.schema()}};
  }

  std::unique_ptr<Engine> LocalEngine(std::shared_ptr<const VisualRecipe> self) const override;
};

namespace cp = arrow::compute;

// Each held row's group: its partition values, numbered by Arrow's grouper (NULLs
// are one group, as in PARTITION BY).
constexpr const char* kGroupColumn = "__mortar_top_n_group";

struct TopNPlan {
  int64_t n = 0;
  std::vector<std::string> partition;  // the input's own column names
  std::vector<OrderItem> order;        // with the input's own column names
  std::string rank_column;
};

// The input streamed once: each batch, as it comes, and the rows held, whenever they
// pass a bound, are sorted by group and order and only each group's first N stay.
// Memory holds N rows per group and a few batches. Ties keep any of their rows, as
// ROW_NUMBER() does.
class LocalTopNEngine final : public Engine {
 public:
  LocalTopNEngine(std::shared_ptr<const VisualRecipe> recipe, TopNBounds bounds)
      : recipe_(std::move(recipe)), bounds_(bounds) {}
  std::string_view name() const override { return "local"; }
  std::string_view recipe_type() const override { return "top_n"; }
  Status CanRun(const RecipeRun&) const override { return Status::OK(); }

  Status Run(RecipeRun& run) const override {
    MORTAR_RETURN_IF_ERROR(recipe_->Validate(run.recipe));
    Dataset& input = *run.inputs.front();
    Dataset& output = *run.outputs.front();
    MORTAR_ASSIGN_OR_RETURN(auto reader, input.Read(ReadOptions{}));
    Schema schema = reader->schema();
    auto plan = Plan(run.recipe, schema);
    if (!plan.ok()) return plan.status();
    if (!*plan) {
      reader.reset();
      return RunOnScratchDatabase(run, *recipe_);
    }
    MORTAR_RETURN_IF_ERROR(InitializeCompute());
    Schema output_schema = schema;
    if (!(*plan)->rank_column.empty()) {
      output_schema.Add(Column{(*plan)->rank_column, Type::Int64(), false});
    }

    std::unique_ptr<cp::Grouper> grouper;
    std::vector<int> partition_indices;
    if (!(*plan)->partition.empty()) {
      std::vector<arrow::TypeHolder> types;
      for (const auto& name : (*plan)->partition) {
        partition_indices.push_back(static_cast<int>(*schema.IndexOf(name)));
        types.emplace_back(schema[partition_indices.back()].type.ToArrow());
      }
      auto made = cp::Grouper::Make(types);
      if (!made.ok()) return FromArrowStatus(made.status());
      grouper = std::move(*made);
    }
    std::vector<std::shared_ptr<arrow::RecordBatch>> held;
    int64_t held_rows = 0;
    int64_t held_bytes = 0;
    // Counts a batch the engine holds, by its rows and its bytes.
    auto hold = [&](const std::shared_ptr<arrow::RecordBatch>& kept) -> Status {
      held_rows += kept->num_rows();
      MORTAR_ASSIGN_OR_RETURN(int64_t bytes,
                              FromArrowResult(arrow::util::ReferencedBufferSize(*kept)));
      held_bytes += bytes;
      return Status::OK();
    };
    int64_t bound = bounds_.first_cut;
    int64_t byte_bound = bounds_.first_cut_bytes;
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, reader->Next());
      if (!batch) break;
      std::shared_ptr<arrow::Array> groups;
      if (grouper) {
        std::vector<arrow::Datum> keys;
        // -0.0 and 0.0 in one partition, as Spark and SQLite have them.
        for (int index : partition_indices) {
          MORTAR_ASSIGN_OR_RETURN(auto key, SignlessZero(batch->column(index)));
          keys.emplace_back(std::move(key));
        }
        auto exec_batch = cp::ExecBatch::Make(std::move(keys), batch->num_rows());
        if (!exec_batch.ok()) return FromArrowStatus(exec_batch.status());
        auto ids = grouper->Consume(cp::ExecSpan(*exec_batch));
        if (!ids.ok()) return FromArrowStatus(ids.status());
        groups = ids->make_array();
      } else {
        auto zeros = arrow::MakeArrayFromScalar(arrow::UInt32Scalar(0), batch->num_rows());
        if (!zeros.ok()) return FromArrowStatus(zeros.status());
        groups = *zeros;
      }
      auto with_groups = batch->AddColumn(batch->num_columns(), kGroupColumn, groups);
      if (!with_groups.ok()) return FromArrowStatus(with_groups.status());
      // Each batch's own first N per group first: most of its rows go at once.
      MORTAR_ASSIGN_OR_RETURN(auto batch_kept, Cut({*with_groups}, **plan, nullptr));
      for (auto& kept : batch_kept) {
        MORTAR_RETURN_IF_ERROR(hold(kept));
        held.push_back(std::move(kept));
      }
      if (held_rows > bound || held_bytes > byte_bound) {
        MORTAR_ASSIGN_OR_RETURN(held, Cut(held, **plan, nullptr));
        held_rows = 0;
        held_bytes = 0;
        for (const auto& kept : held) MORTAR_RETURN_IF_ERROR(hold(kept));
        if (held_rows > bounds_.most_kept || held_bytes > bounds_.most_kept_bytes) {
          run.log.Info("top N: more than " + FormatCount(bounds_.most_kept) + " rows or " +
                       std::to_string(bounds_.most_kept_bytes >> 20) +
                       " MiB to keep; running on the scratch database instead");
          held.clear();
          reader.reset();
          return RunOnScratchDatabase(run, *recipe_);
        }
        bound = std::max(bounds_.first_cut, 2 * held_rows);
        byte_bound = std::max(bounds_.first_cut_bytes, 2 * held_bytes);
      }
    }
    arrow::Int64Builder ranks;
    MORTAR_ASSIGN_OR_RETURN(held, Cut(held, **plan, &ranks));
    std::shared_ptr<arrow::Array> rank_values;
    if (!ranks.Finish(&rank_values).ok()) return Status::Internal("top N: cannot rank the rows");

    auto arrow_output = output_schema.ToArrow();
    std::size_t next = 0;
    int64_t rows = 0;
    auto kept_batches = [&]() -> Result<Batch> {
      if (next == held.size()) return Batch();
      const auto& kept = held[next++];
      std::vector<std::shared_ptr<arrow::Array>> columns = kept->columns();
      columns.pop_back();  // the group
      if (!(*plan)->rank_column.empty())
        columns.push_back(rank_values->Slice(rows, kept->num_rows()));
      rows += kept->num_rows();
      return arrow::RecordBatch::Make(arrow_output, kept->num_rows(), std::move(columns));
    };
    return WriteLocalOutput(run, output_schema, "top N -> " + output.name(), kept_batches, "rows");
  }

 private:
  // The recipe's settings against the input's columns; null when the streaming engine
  // cannot order them (nested values) or a column is named like the group column.
  static Result<std::optional<TopNPlan>> Plan(const config::RecipeConfig& recipe,
                                              const Schema& schema) {
    ConfigObject params(recipe.params, recipe.file, "params");
    TopNPlan plan;
    MORTAR_ASSIGN_OR_RETURN(plan.n, params.IntegerOr("n", -1));
    MORTAR_ASSIGN_OR_RETURN(plan.rank_column, params.StringOr("rank_column", ""));
    MORTAR_ASSIGN_OR_RETURN(auto partition, params.StringsOr("partition_by", {}));
    MORTAR_ASSIGN_OR_RETURN(plan.order, ParseOrder(params, "order_by"));
    if (schema.IndexOf(kGroupColumn)) return std::optional<TopNPlan>();
    auto resolve = [&](const std::string& key, std::string& name) -> Result<bool> {
      auto column = FindColumn(schema, name);
      if (!column.ok()) return params.Error(key, column.status().message());
      name = (*column)->name;
      return !(*column)->type.IsNested();
    };
    for (auto& name : partition) {
      MORTAR_ASSIGN_OR_RETURN(bool sortable, resolve("partition_by", name));
      if (!sortable) return std::optional<TopNPlan>();
    }
    for (auto& item : plan.order) {
      MORTAR_ASSIGN_OR_RETURN(bool sortable, resolve("order_by", item.column));
      if (!sortable) return std::optional<TopNPlan>();
    }
    plan.partition = std::move(partition);
    return std::optional<TopNPlan>(std::move(plan));
  }

  // The held rows sorted by group and order, each group's first N only; with `ranks`,
  // each kept row's place in its group.
  static Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> Cut(
      const std::vector<std::shared_ptr<arrow::RecordBatch>>& held, const TopNPlan& plan,
      arrow::Int64Builder* ranks) {
    std::vector<std::shared_ptr<arrow::RecordBatch>> kept;
    if (held.empty()) return kept;
    std::shared_ptr<arrow::RecordBatch> rows = held.front();
    if (held.size() > 1) {
      auto concatenated = arrow::ConcatenateRecordBatches(held);
      if (!concatenated.ok()) return FromArrowStatus(concatenated.status());
      rows = *concatenated;
    }
    std::vector<cp::SortKey> keys{cp::SortKey(kGroupColumn)};
    for (const auto& item : plan.order) {
      keys.emplace_back(item.column,
                        item.descending ? cp::SortOrder::Descending : cp::SortOrder::Ascending,
                        item.nulls_first ? cp::NullPlacement::AtStart : cp::NullPlacement::AtEnd);
    }
    auto order = SparkSortIndices(rows, keys);
    if (!order.ok()) return order.status();
    auto sorted_groups = cp::Take(rows->GetColumnByName(kGroupColumn), *order);
    if (!sorted_groups.ok()) return FromArrowStatus(sorted_groups.status());
    // The positions (in the sorted order) of each group's first N rows.
    arrow::UInt64Builder positions;
    const auto& order_values = static_cast<const arrow::UInt64Array&>(**order);
    int64_t place = 0;
    uint32_t previous = 0;
    auto group_values = sorted_groups->make_array();
    const auto& groups = static_cast<const arrow::UInt32Array&>(*group_values);
    for (int64_t row = 0; row < groups.length(); ++row) {
      uint32_t group = groups.Value(row);
      place = (row > 0 && group == previous) ? place + 1 : 0;
      previous = group;
      if (place >= plan.n) continue;
      if (!positions.Append(order_values.Value(row)).ok() ||
          (ranks != nullptr && !ranks->Append(place + 1).ok())) {
        return Status::Internal("top N: out of memory keeping the rows");
      }
    }
    std::shared_ptr<arrow::Array> take;
    if (!positions.Finish(&take).ok()) return Status::Internal("top N: cannot keep the rows");
    auto taken = cp::Take(arrow::Datum(rows), take);
    if (!taken.ok()) return FromArrowStatus(taken.status());
    kept.push_back(taken->record_batch());
    return kept;
  }

  std::shared_ptr<const VisualRecipe> recipe_;
  TopNBounds bounds_;
};

std::unique_ptr<Engine> TopNRecipe::LocalEngine(std::shared_ptr<const VisualRecipe> self) const {
  return MakeLocalTopNEngine(std::move(self));
}

}  // namespace

std::unique_ptr<Engine> MakeLocalTopNEngine(std::shared_ptr<const VisualRecipe> top_n,
                                            TopNBounds bounds) {
  return std::make_unique<LocalTopNEngine>(std::move(top_n), bounds);
}

std::shared_ptr<const VisualRecipe> MakeTopNRecipe() {
  return std::make_shared<TopNRecipe>();
}

}  // namespace mortar::recipes
