// The join recipe's local engine: for one inner or left join on equal keys, the second
// input is read into memory and its keys into Arrow's grouper (a hash table of the key
// values); the first input then streams through, each batch's keys looked up at once
// and the output taken from both sides. Everything else (three or more inputs, other
// join types or operators, keys of two types or of doubles, a second input larger
// than the bound) runs on the scratch database.
#include "recipes/join_engine.h"

#include <arrow/api.h>
#include <arrow/compute/api.h>
#include <arrow/compute/exec.h>
#include <arrow/compute/row/grouper.h>
#include <arrow/util/byte_size.h>

#include <algorithm>

#include "mortar/sql/dialect.h"
#include "recipes/join_plan.h"
#include "recipes/prefetched_batches.h"

namespace mortar::recipes {

namespace {

namespace cp = arrow::compute;

// Key types whose equal values have equal bytes, as the grouper compares them. Doubles
// are left to SQL (0.0 = -0.0, NaN), and so are keys of two different types.
bool HashableKey(const arrow::DataType& type) {
  switch (type.id()) {
    case arrow::Type::BOOL:
    case arrow::Type::INT8:
    case arrow::Type::INT16:
    case arrow::Type::INT32:
    case arrow::Type::INT64:
    case arrow::Type::UINT8:
    case arrow::Type::UINT16:
    case arrow::Type::UINT32:
    case arrow::Type::UINT64:
    case arrow::Type::DATE32:
    case arrow::Type::DATE64:
    case arrow::Type::TIMESTAMP:
    case arrow::Type::TIME32:
    case arrow::Type::TIME64:
    case arrow::Type::DECIMAL128:
    case arrow::Type::DECIMAL256:
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING:
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY:
      return true;
    default:
      return false;
  }
}

// The key columns of each side, when the plan is one hash join this engine runs.
struct HashJoinKeys {
  bool keep_unmatched = false;  // a left join
  std::vector<int> left;
  std::vector<int> right;
};

std::optional<HashJoinKeys> KeysFor(const JoinPlan& plan, const Schema& left, const Schema& right) {
  if (plan.joins.size() != 1) return std::nullopt;
  const JoinStep& step = plan.joins.front();
  if (step.type != "inner" && step.type != "left") return std::nullopt;
  HashJoinKeys keys;
  keys.keep_unmatched = step.type == "left";
  for (const auto& condition : step.on) {
    if (condition.op != "=" || condition.left.input != 0 || condition.right.input != 1)
      return std::nullopt;
    auto left_type = left[condition.left.column].type.ToArrow();
    auto right_type = right[condition.right.column].type.ToArrow();
    if (!left_type->Equals(*right_type) || !HashableKey(*left_type)) return std::nullopt;
    keys.left.push_back(condition.left.column);
    keys.right.push_back(condition.right.column);
  }
  if (keys.left.empty()) return std::nullopt;
  return keys;
}

Result<cp::ExecBatch> KeyBatch(const arrow::RecordBatch& batch, const std::vector<int>& columns) {
  std::vector<arrow::Datum> values;
  for (int column : columns) values.emplace_back(batch.column(column));
  return FromArrowResult(cp::ExecBatch::Make(std::move(values), batch.num_rows()));
}

bool AnyKeyNull(const arrow::RecordBatch& batch, const std::vector<int>& columns, int64_t row) {
  for (int column : columns) {
    if (batch.column(column)->IsNull(row)) return true;
  }
  return false;
}

// The second input in memory, its rows listed by key: rows_[starts_[g] .. starts_[g+1])
// are the rows whose keys are the grouper's group g. Rows with a NULL key are left out:
// they match nothing.
class BuildSide {
 public:
  static Result<std::unique_ptr<BuildSide>> Make(std::shared_ptr<arrow::RecordBatch> rows,
                                                 const std::vector<int>& keys) {
    auto build = std::unique_ptr<BuildSide>(new BuildSide());
    build->rows = std::move(rows);
    std::vector<arrow::TypeHolder> types;
    for (int key : keys) types.emplace_back(build->rows->column(key)->type());
    MORTAR_ASSIGN_OR_RETURN(build->grouper, FromArrowResult(cp::Grouper::Make(types)));
    MORTAR_ASSIGN_OR_RETURN(auto key_batch, KeyBatch(*build->rows, keys));
    MORTAR_ASSIGN_OR_RETURN(auto ids,
                            FromArrowResult(build->grouper->Consume(cp::ExecSpan(key_batch))));
    auto id_values = ids.make_array();
    const auto& groups = static_cast<const arrow::UInt32Array&>(*id_values);
    uint32_t count = build->grouper->num_groups();
    build->starts_.assign(count + 1, 0);
    for (int64_t row = 0; row < groups.length(); ++row) {
      if (!AnyKeyNull(*build->rows, keys, row)) ++build->starts_[groups.Value(row) + 1];
    }
    for (uint32_t g = 0; g < count; ++g) build->starts_[g + 1] += build->starts_[g];
    std::vector<int64_t> next(build->starts_.begin(), build->starts_.end() - 1);
    build->rows_.resize(build->starts_.back());
    for (int64_t row = 0; row < groups.length(); ++row) {
      if (!AnyKeyNull(*build->rows, keys, row)) build->rows_[next[groups.Value(row)]++] = row;
    }
    return build;
  }

  // The rows of group g.
  std::pair<const int64_t*, const int64_t*> Matches(uint32_t g) const {
    return {rows_.data() + starts_[g], rows_.data() + starts_[g + 1]};
  }

  std::shared_ptr<arrow::RecordBatch> rows;
  std::unique_ptr<cp::Grouper> grouper;

 private:
  BuildSide() = default;
  std::vector<int64_t> starts_;
  std::vector<int64_t> rows_;
};

// The first input's batches joined, a batch of output at a time.
class Probe {
 public:
  Probe(std::unique_ptr<BatchReader> reader, const BuildSide& build, const HashJoinKeys& keys,
        const JoinPlan& plan, std::shared_ptr<arrow::Schema> output, int64_t batch_rows)
      : reader_(std::move(reader)),
        build_(build),
        keys_(keys),
        plan_(plan),
        output_(std::move(output)),
        batch_rows_(batch_rows) {}

  Result<Batch> Next() {
    while (true) {
      if (batch_ == nullptr || row_ >= batch_->num_rows()) {
        MORTAR_ASSIGN_OR_RETURN(batch_, reader_->Next());
        if (batch_ == nullptr) return Batch();
        row_ = 0;
        MORTAR_ASSIGN_OR_RETURN(auto key_batch, KeyBatch(*batch_, keys_.left));
        MORTAR_ASSIGN_OR_RETURN(auto ids,
                                FromArrowResult(build_.grouper->Lookup(cp::ExecSpan(key_batch))));
        groups_ = ids.make_array();
      }
      const auto& groups = static_cast<const arrow::UInt32Array&>(*groups_);
      bool nulls = groups.null_count() > 0;
      for (int key : keys_.left) nulls = nulls || batch_->column(key)->null_count() > 0;
      left_rows_.clear();
      right_rows_.clear();
      right_valid_.clear();
      for (; row_ < batch_->num_rows() && static_cast<int64_t>(left_rows_.size()) < batch_rows_;
           ++row_) {
        bool matched = false;
        if (!nulls || (groups.IsValid(row_) && !AnyKeyNull(*batch_, keys_.left, row_))) {
          auto [first, last] = build_.Matches(groups.Value(row_));
          for (const int64_t* match = first; match != last; ++match) {
            left_rows_.push_back(row_);
            right_rows_.push_back(*match);
            right_valid_.push_back(1);
          }
          matched = first != last;
        }
        if (!matched && keys_.keep_unmatched) {
          left_rows_.push_back(row_);
          right_rows_.push_back(0);
          right_valid_.push_back(0);
        }
      }
      auto pairs = static_cast<int64_t>(left_rows_.size());
      if (pairs == 0) continue;
      // Each row of the first input once, in a run (every order has its one customer):
      // its columns are a slice of the batch, not a copy.
      bool left_run =
          left_rows_.back() - left_rows_.front() + 1 == pairs &&
          std::adjacent_find(left_rows_.begin(), left_rows_.end(),
                             [](int64_t a, int64_t b) { return b != a + 1; }) == left_rows_.end();
      arrow::Int64Builder left_rows, right_rows;
      MORTAR_RETURN_IF_ARROW_ERROR(left_rows.AppendValues(left_rows_.data(), pairs));
      MORTAR_RETURN_IF_ARROW_ERROR(
          right_rows.AppendValues(right_rows_.data(), pairs, right_valid_.data()));
      MORTAR_ASSIGN_OR_RETURN(auto left_take, FromArrowResult(left_rows.Finish()));
      MORTAR_ASSIGN_OR_RETURN(auto right_take, FromArrowResult(right_rows.Finish()));
      std::vector<std::shared_ptr<arrow::Array>> columns;
      for (const auto& column : plan_.select) {
        bool left = column.source.input == 0;
        const auto& values = (left ? batch_ : build_.rows)->column(column.source.column);
        if (left && left_run) {
          columns.push_back(values->Slice(left_rows_.front(), pairs));
          continue;
        }
        MORTAR_ASSIGN_OR_RETURN(
            auto taken, FromArrowResult(cp::Take(*values, left ? *left_take : *right_take)));
        columns.push_back(std::move(taken));
      }
      return arrow::RecordBatch::Make(output_, pairs, std::move(columns));
    }
  }

 private:
  std::unique_ptr<BatchReader> reader_;
  const BuildSide& build_;
  const HashJoinKeys& keys_;
  const JoinPlan& plan_;
  std::shared_ptr<arrow::Schema> output_;
  int64_t batch_rows_;
  Batch batch_;
  int64_t row_ = 0;
  std::shared_ptr<arrow::Array> groups_;
  // The pairs of rows (first input, second input) of the output batch being made; a
  // row without a match (left join) has an invalid second.
  std::vector<int64_t> left_rows_, right_rows_;
  std::vector<uint8_t> right_valid_;
};

class LocalJoinEngine final : public Engine {
 public:
  LocalJoinEngine(std::shared_ptr<const VisualRecipe> recipe, JoinBounds bounds)
      : recipe_(std::move(recipe)), bounds_(bounds) {}
  std::string_view name() const override { return "local"; }
  std::string_view recipe_type() const override { return "join"; }
  Status CanRun(const RecipeRun&) const override { return Status::OK(); }

  Status Run(RecipeRun& run) const override {
    MORTAR_RETURN_IF_ERROR(recipe_->Validate(run.recipe));
    if (run.inputs.size() != 2) return RunOnScratchDatabase(run, *recipe_);
    Dataset& left = *run.inputs[0];
    Dataset& right = *run.inputs[1];
    MORTAR_ASSIGN_OR_RETURN(auto right_reader, right.Read(ReadOptions{}));
    MORTAR_ASSIGN_OR_RETURN(auto left_reader, left.Read(ReadOptions{}));
    const sql::Dialect& dialect = sql::SqliteDialect();
    std::vector<SqlInput> inputs{
        {left.name(), dialect.QuoteIdentifier(left.name()), left_reader->schema()},
        {right.name(), dialect.QuoteIdentifier(right.name()), right_reader->schema()}};
    MORTAR_ASSIGN_OR_RETURN(JoinPlan plan, PlanJoin(run.recipe, dialect, inputs));
    auto keys = KeysFor(plan, inputs[0].schema, inputs[1].schema);
    if (!keys) {
      right_reader.reset();
      left_reader.reset();
      return RunOnScratchDatabase(run, *recipe_);
    }

    // The second input, held while it fits.
    arrow::RecordBatchVector held;
    int64_t held_bytes = 0;
    auto progress = run.log.StartProgress("read " + right.name());
    while (true) {
      MORTAR_ASSIGN_OR_RETURN(Batch batch, right_reader->Next());
      if (!batch) break;
      MORTAR_ASSIGN_OR_RETURN(int64_t bytes,
                              FromArrowResult(arrow::util::ReferencedBufferSize(*batch)));
      held_bytes += bytes;
      if (held_bytes > bounds_.held_bytes) {
        run.log.Info("join: " + right.name() + " is larger than the " +
                     FormatCount(bounds_.held_bytes >> 20) +
                     " MiB the hash join holds; running on the scratch database instead");
        held.clear();
        right_reader.reset();
        left_reader.reset();
        return RunOnScratchDatabase(run, *recipe_);
      }
      progress->Add(batch->num_rows());
      held.push_back(std::move(batch));
    }
    progress->Finish();
    auto right_schema = inputs[1].schema.ToArrow();
    std::shared_ptr<arrow::RecordBatch> rows;
    if (held.empty()) {
      MORTAR_ASSIGN_OR_RETURN(rows, FromArrowResult(arrow::RecordBatch::MakeEmpty(right_schema)));
    } else {
      for (auto& batch : held) {
        batch = arrow::RecordBatch::Make(right_schema, batch->num_rows(), batch->columns());
      }
      MORTAR_ASSIGN_OR_RETURN(rows, FromArrowResult(arrow::ConcatenateRecordBatches(held)));
      held.clear();
    }
    MORTAR_RETURN_IF_ERROR(InitializeCompute());
    MORTAR_ASSIGN_OR_RETURN(auto build, BuildSide::Make(std::move(rows), keys->right));

    Probe probe(std::move(left_reader), *build, *keys, plan, plan.output.ToArrow(),
                bounds_.batch_rows);
    // The first input is read and probed on one thread, the output written on another.
    PrefetchedBatches joined([&probe]() { return probe.Next(); });
    return WriteLocalOutput(
        run, plan.output, "join " + left.name() + " -> " + run.outputs.front()->name(),
        [&joined]() { return joined.Next(); }, "rows");
  }

 private:
  std::shared_ptr<const VisualRecipe> recipe_;
  JoinBounds bounds_;
};

}  // namespace

std::unique_ptr<Engine> MakeLocalJoinEngine(std::shared_ptr<const VisualRecipe> join,
                                            JoinBounds bounds) {
  return std::make_unique<LocalJoinEngine>(std::move(join), bounds);
}

}  // namespace mortar::recipes
