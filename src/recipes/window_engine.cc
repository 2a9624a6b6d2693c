// The window recipe's local engine: the input through an external sort by partition
// and order, then one pass that numbers, ranks and sums each partition's rows as they
// stream by. Other functions (lag, lead, aggregates over a frame) run on the scratch
// database.
#include "recipes/window_engine.h"

#include <arrow/api.h>

#include <cmath>

#include "mortar/core/progress.h"
#include "mortar/sql/dialect.h"
#include "recipes/sort_engine.h"

namespace mortar::recipes {

namespace {

using config::ConfigObject;

enum class Computed { kRowNumber, kRank, kDenseRank, kCumulativeSum };

struct Computation {
  Computed function = Computed::kRowNumber;
  int column = -1;                        // the summed column, in the input
  std::shared_ptr<arrow::DataType> type;  // the output's type
};

// What each output column needs from the pass, or nullopt when one is not streamed here.
Result<std::optional<std::vector<Computation>>> StreamedComputations(const ConfigObject& params,
                                                                     const Schema& input,
                                                                     const Schema& output) {
  MORTAR_ASSIGN_OR_RETURN(auto computations, params.Array("computations"));
  std::vector<Computation> streamed;
  std::size_t next_output = input.size();
  for (const auto& computation : computations) {
    MORTAR_ASSIGN_OR_RETURN(std::string function, computation.String("function"));
    Computation item;
    item.type = output[next_output++].type.ToArrow();
    if (function == "row_number") {
      item.function = Computed::kRowNumber;
    } else if (function == "rank") {
      item.function = Computed::kRank;
    } else if (function == "dense_rank") {
      item.function = Computed::kDenseRank;
    } else if (function == "cumulative_sum") {
      item.function = Computed::kCumulativeSum;
      MORTAR_ASSIGN_OR_RETURN(std::string name, computation.String("column"));
      MORTAR_ASSIGN_OR_RETURN(const Column* column, FindColumn(input, name));
      item.column = static_cast<int>(*input.IndexOf(column->name));
      auto in = column->type.ToArrow()->id();
      bool summable = in == arrow::Type::INT64 || in == arrow::Type::INT32 ||
                      in == arrow::Type::INT16 || in == arrow::Type::INT8 ||
                      in == arrow::Type::BOOL || in == arrow::Type::DOUBLE ||
                      in == arrow::Type::FLOAT || in == arrow::Type::DECIMAL128;
      if (!summable) return std::optional<std::vector<Computation>>();
    } else {
      return std::optional<std::vector<Computation>>();
    }
    streamed.push_back(std::move(item));
  }
  return std::optional<std::vector<Computation>>(std::move(streamed));
}

// A running sum of one column's non-null values: null until the first one.
class RunningSum {
 public:
  void Reset() {
    seen_ = false;
    integer_ = 0;
    real_ = 0;
    error_ = 0;
    decimal_ = 0;
  }
  // Adds row i of `values` (of any summable type) and appends the sum so far.
  Status AddAndAppend(const arrow::Array& values, int64_t i, arrow::ArrayBuilder& out) {
    if (!values.IsNull(i)) {
      seen_ = true;
      switch (values.type_id()) {
        case arrow::Type::DOUBLE:
          AddReal(static_cast<const arrow::DoubleArray&>(values).Value(i));
          break;
        case arrow::Type::FLOAT:
          AddReal(static_cast<const arrow::FloatArray&>(values).Value(i));
          break;
        case arrow::Type::DECIMAL128: {
          // The output keeps the input's scale: the unscaled values add up as they are.
          decimal_ +=
              arrow::Decimal128(static_cast<const arrow::Decimal128Array&>(values).GetValue(i));
          const auto& type = static_cast<const arrow::Decimal128Type&>(*out.type());
          if (!decimal_.FitsInPrecision(type.precision())) {
            return Status::Invalid("a running sum passed " + std::to_string(type.precision()) +
                                   " digits, the most its decimal column holds");
          }
          break;
        }
        default: {
          int64_t value = 0;
          switch (values.type_id()) {
            case arrow::Type::BOOL:
              value = static_cast<const arrow::BooleanArray&>(values).Value(i) ? 1 : 0;
              break;
            case arrow::Type::INT8:
              value = static_cast<const arrow::Int8Array&>(values).Value(i);
              break;
            case arrow::Type::INT16:
              value = static_cast<const arrow::Int16Array&>(values).Value(i);
              break;
            case arrow::Type::INT32:
              value = static_cast<const arrow::Int32Array&>(values).Value(i);
              break;
            default:
              value = static_cast<const arrow::Int64Array&>(values).Value(i);
              break;
          }
          if (__builtin_add_overflow(integer_, value, &integer_)) {
            return Status::Invalid(
                "a running sum passed the largest 64-bit integer; cast the column to a decimal "
                "first");
          }
          break;
        }
      }
    }
    if (!seen_) return FromArrowStatus(out.AppendNull());
    switch (out.type()->id()) {
      case arrow::Type::DOUBLE:
        return FromArrowStatus(static_cast<arrow::DoubleBuilder&>(out).Append(real_ + error_));
      case arrow::Type::DECIMAL128:
        return FromArrowStatus(static_cast<arrow::Decimal128Builder&>(out).Append(decimal_));
      default:
        return FromArrowStatus(static_cast<arrow::Int64Builder&>(out).Append(integer_));
    }
  }

 private:
  // Kahan-Babuska-Neumaier summation, as SQLite's sum() does: the rounding error of each
  // addition is kept and added back, so long running sums stay within an ulp or so.
  void AddReal(double value) {
    double sum = real_ + value;
    error_ += std::fabs(real_) >= std::fabs(value) ? (real_ - sum) + value : (value - sum) + real_;
    real_ = sum;
  }

  bool seen_ = false;
  int64_t integer_ = 0;
  double real_ = 0;
  double error_ = 0;
  arrow::Decimal128 decimal_;
};

// Where the pass stands: the last row seen (to tell a new partition or a new peer
// group), and the counters of its partition.
struct PassState {
  arrow::ArrayVector previous_columns;  // of the last batch; empty before the first
  int64_t previous_row = -1;
  int64_t row_number = 0;
  int64_t rank = 0;
  int64_t dense_rank = 0;
  std::vector<RunningSum> sums;
};

class LocalWindowEngine final : public Engine {
 public:
  LocalWindowEngine(std::shared_ptr<const VisualRecipe> recipe, SortBounds bounds)
      : recipe_(std::move(recipe)), bounds_(bounds) {}
  std::string_view name() const override { return "local"; }
  std::string_view recipe_type() const override { return "window"; }
  Status CanRun(const RecipeRun&) const override { return Status::OK(); }

  Status Run(RecipeRun& run) const override {
    Dataset& input = *run.inputs.front();
    MORTAR_ASSIGN_OR_RETURN(auto reader, input.Read(ReadOptions{}));
    Schema schema = reader->schema();
    // The output's columns and types as every engine plans them (and the recipe checked).
    const sql::Dialect& dialect = sql::SqliteDialect();
    MORTAR_ASSIGN_OR_RETURN(
        auto compiled,
        recipe_->Compile(run.recipe, dialect,
                         {{input.name(), dialect.QuoteIdentifier(input.name()), schema}}));
    Schema output_schema = compiled.front().schema;
    ConfigObject params(run.recipe.params, run.recipe.file, "params");
    MORTAR_ASSIGN_OR_RETURN(auto computations, StreamedComputations(params, schema, output_schema));
    MORTAR_ASSIGN_OR_RETURN(auto partition_names, params.StringsOr("partition_by", {}));
    std::vector<OrderItem> partition;
    for (auto& name : partition_names) partition.push_back({name, false, true});
    MORTAR_ASSIGN_OR_RETURN(auto order, ParseOrder(params, "order_by"));
    MORTAR_ASSIGN_OR_RETURN(auto partition_keys,
                            SortKeysFor(params, "partition_by", partition, schema));
    MORTAR_ASSIGN_OR_RETURN(auto order_keys, SortKeysFor(params, "order_by", order, schema));
    if (!computations || !partition_keys || !order_keys) {
      reader.reset();
      return RunOnScratchDatabase(run, *recipe_);
    }
    auto arrow_schema = schema.ToArrow();
    MORTAR_ASSIGN_OR_RETURN(RowOrder partitions, RowOrder::Make(*arrow_schema, *partition_keys));
    MORTAR_ASSIGN_OR_RETURN(RowOrder peers, RowOrder::Make(*arrow_schema, *order_keys));
    std::vector<SortKeyColumn> keys = *partition_keys;
    keys.insert(keys.end(), order_keys->begin(), order_keys->end());

    MORTAR_ASSIGN_OR_RETURN(auto sorted,
                            SortInput(run, std::move(reader), std::move(keys), bounds_));

    auto arrow_output = output_schema.ToArrow();
    PassState state;
    state.sums.resize(computations->size());
    auto next = [&]() -> Result<Batch> {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, sorted->Next());
      if (!batch) return batch;
      return Compute(batch, *computations, partitions, peers, arrow_output, state);
    };
    return WriteLocalOutput(run, output_schema, "window -> " + run.outputs.front()->name(), next,
                            "rows");
  }

 private:
  // The sorted batch with its computed columns after the input's, as `output`.
  static Result<Batch> Compute(const Batch& batch, const std::vector<Computation>& computations,
                               const RowOrder& partitions, const RowOrder& peers,
                               const std::shared_ptr<arrow::Schema>& output, PassState& state) {
    std::vector<std::unique_ptr<arrow::ArrayBuilder>> builders;
    for (const auto& computation : computations) {
      std::unique_ptr<arrow::ArrayBuilder> builder;
      MORTAR_RETURN_IF_ARROW_ERROR(
          arrow::MakeBuilder(arrow::default_memory_pool(), computation.type, &builder));
      MORTAR_RETURN_IF_ARROW_ERROR(builder->Reserve(batch->num_rows()));
      builders.push_back(std::move(builder));
    }
    // The row before, in this batch or (for its first row) the one before.
    arrow::ArrayVector columns = batch->columns();
    const arrow::ArrayVector* previous =
        state.previous_columns.empty() ? nullptr : &state.previous_columns;
    int64_t previous_row = state.previous_row;
    for (int64_t row = 0; row < batch->num_rows(); ++row) {
      bool new_partition =
          previous == nullptr || partitions.Compare(*previous, previous_row, columns, row) != 0;
      if (new_partition) {
        state.row_number = 0;
        state.rank = 0;
        state.dense_rank = 0;
        for (auto& sum : state.sums) sum.Reset();
      }
      ++state.row_number;
      if (new_partition || peers.Compare(*previous, previous_row, columns, row) != 0) {
        state.rank = state.row_number;
        ++state.dense_rank;
      }
      for (std::size_t c = 0; c < computations.size(); ++c) {
        const Computation& computation = computations[c];
        auto& builder = *builders[c];
        switch (computation.function) {
          case Computed::kRowNumber:
            static_cast<arrow::Int64Builder&>(builder).UnsafeAppend(state.row_number);
            break;
          case Computed::kRank:
            static_cast<arrow::Int64Builder&>(builder).UnsafeAppend(state.rank);
            break;
          case Computed::kDenseRank:
            static_cast<arrow::Int64Builder&>(builder).UnsafeAppend(state.dense_rank);
            break;
          case Computed::kCumulativeSum:
            MORTAR_RETURN_IF_ERROR(state.sums[c].AddAndAppend(
                *columns[static_cast<std::size_t>(computation.column)], row, builder));
            break;
        }
      }
      previous = &columns;
      previous_row = row;
    }
    if (batch->num_rows() > 0) {
      state.previous_columns = columns;
      state.previous_row = previous_row;
    }
    for (auto& builder : builders) {
      std::shared_ptr<arrow::Array> column;
      MORTAR_RETURN_IF_ARROW_ERROR(builder->Finish(&column));
      columns.push_back(std::move(column));
    }
    return arrow::RecordBatch::Make(output, batch->num_rows(), std::move(columns));
  }

  std::shared_ptr<const VisualRecipe> recipe_;
  SortBounds bounds_;
};

}  // namespace

std::unique_ptr<Engine> MakeLocalWindowEngine(std::shared_ptr<const VisualRecipe> window,
                                              SortBounds bounds) {
  return std::make_unique<LocalWindowEngine>(std::move(window), bounds);
}

}  // namespace mortar::recipes
