// The group recipe's engines: in-database (one GROUP BY query) and local (an Acero
// hash aggregation over the streamed input, or the scratch database for filters,
// first/last and stddev).
#include <arrow/acero/exec_plan.h>
#include <arrow/acero/options.h>
#include <arrow/api.h>
#include <arrow/compute/api.h>

#include <algorithm>
#include <optional>

#include "mortar/core/decimal_average.h"
#include "recipes/builtin_recipes.h"
#include "recipes/group_recipe.h"
#include "recipes/signless_zero.h"
#include "recipes/visual_recipe.h"

namespace mortar::recipes {

namespace {

class GroupRecipe final : public VisualRecipe {
 public:
  std::string_view name() const override { return "group"; }
  Status Validate(const config::RecipeConfig& recipe) const override {
    MORTAR_RETURN_IF_ERROR(ExpectCounts(recipe, 1, 1));
    return GroupSpec::FromConfig(recipe).status();
  }
  Result<std::vector<CompiledOutput>> Compile(const config::RecipeConfig& recipe,
                                              const sql::Dialect& dialect,
                                              const std::vector<SqlInput>& inputs) const override {
    MORTAR_ASSIGN_OR_RETURN(GroupSpec spec, GroupSpec::FromConfig(recipe));
    const SqlInput& input = inputs.front();
    auto schema = spec.OutputSchema(input.schema);
    if (!schema.ok()) return RecipeError(recipe, schema.status());
    auto query = spec.ToSql(dialect, input.source, input.schema);
    if (!query.ok()) return RecipeError(recipe, query.status());
    return std::vector<CompiledOutput>{{*query, *schema}};
  }
  std::unique_ptr<Engine> LocalEngine(std::shared_ptr<const VisualRecipe> self) const override;
};

std::string AceroFunction(sql::Aggregate aggregate, bool grouped) {
  std::string name;
  switch (aggregate) {
    case sql::Aggregate::kCountAll:
      name = "count_all";
      break;
    case sql::Aggregate::kCount:
      name = "count";
      break;
    case sql::Aggregate::kCountDistinct:
      name = "count_distinct";
      break;
    case sql::Aggregate::kSum:
      name = "sum";
      break;
    case sql::Aggregate::kAvg:
      name = "mean";
      break;
    case sql::Aggregate::kMin:
      name = "min";
      break;
    case sql::Aggregate::kMax:
      name = "max";
      break;
    case sql::Aggregate::kStddev:
      name = "stddev";
      break;
  }
  return grouped ? "hash_" + name : name;
}

// The columns the aggregation reads (keys, then aggregated columns, each once), so a
// CSV converts and a database sends only these. A count of rows alone reads the keys,
// or with no keys every column (an empty list).
std::vector<std::string> ColumnsRead(const GroupSpec& spec) {
  std::vector<std::string> columns = spec.keys;
  for (const auto& aggregation : spec.aggregations) {
    if (aggregation.function == sql::Aggregate::kCountAll) continue;
    if (std::find(columns.begin(), columns.end(), aggregation.column) == columns.end())
      columns.push_back(aggregation.column);
  }
  return columns;
}

// Why a result does not fit its planned type, in the words SQLite's own sums use.
std::string DoesNotFit(const Type& type, const arrow::Status& cast) {
  if (type.IsInteger()) return "integer overflow: the sum does not fit " + type.ToString();
  if (type.kind() == TypeKind::kDecimal) {
    return "a decimal sum needs more than " + std::to_string(type.precision()) +
           " digits: cast the column to double to sum it approximately";
  }
  return cast.message();
}

// An average of decimals on the local engine: Acero's exact sum (76 digits) and count
// of the column, under these names, make the output column.
struct DecimalAverageColumns {
  std::string output;
  std::string sum;
  std::string count;
  int32_t sum_scale = 0;
};

// The averages of a batch of groups, rounded as Spark rounds them (DecimalAverage);
// null for a group without values.
Result<std::shared_ptr<arrow::Array>> DecimalAverages(const arrow::RecordBatch& batch,
                                                      const DecimalAverageColumns& average,
                                                      const Column& output) {
  auto sums = std::dynamic_pointer_cast<arrow::Decimal256Array>(batch.GetColumnByName(average.sum));
  auto counts = std::dynamic_pointer_cast<arrow::Int64Array>(batch.GetColumnByName(average.count));
  if (!sums || !counts)
    return Status::Internal("the local group engine lost the sum or count of " + output.name);
  arrow::Decimal128Builder builder(arrow::decimal128(output.type.precision(), output.type.scale()));
  MORTAR_RETURN_IF_ARROW_ERROR(builder.Reserve(batch.num_rows()));
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    if (sums->IsNull(row) || counts->Value(row) == 0) {
      builder.UnsafeAppendNull();
      continue;
    }
    MORTAR_ASSIGN_OR_RETURN(
        arrow::Decimal256 value,
        DecimalAverage(arrow::Decimal256(sums->GetValue(row)), average.sum_scale,
                       counts->Value(row), output.type.scale()));
    if (!value.FitsInPrecision(output.type.precision())) {
      return Status::Invalid("column '" + output.name + "': the average " +
                             value.ToString(output.type.scale()) + " does not fit " +
                             output.type.ToString());
    }
    auto words = value.little_endian_array();
    builder.UnsafeAppend(arrow::Decimal128(static_cast<int64_t>(words[1]), words[0]));
  }
  return FromArrowResult(builder.Finish());
}

// Acero's hash aggregation when the recipe maps to it, else the scratch database.
class LocalGroupEngine final : public Engine {
 public:
  explicit LocalGroupEngine(std::shared_ptr<const VisualRecipe> recipe)
      : recipe_(std::move(recipe)) {}
  std::string_view name() const override { return "local"; }
  std::string_view recipe_type() const override { return "group"; }
  Status CanRun(const RecipeRun&) const override { return Status::OK(); }

  Status Run(RecipeRun& run) const override {
    MORTAR_ASSIGN_OR_RETURN(GroupSpec spec, GroupSpec::FromConfig(run.recipe));
    if (!spec.MapsToAcero()) return RunOnScratchDatabase(run, *recipe_);
    MORTAR_RETURN_IF_ERROR(InitializeCompute());
    Dataset& input = *run.inputs.front();
    Dataset& output = *run.outputs.front();
    MORTAR_ASSIGN_OR_RETURN(auto reader, input.Read(ReadOptions{.columns = ColumnsRead(spec)}));
    Schema input_schema = reader->schema();
    MORTAR_ASSIGN_OR_RETURN(Schema output_schema, spec.OutputSchema(input_schema));

    namespace ac = arrow::acero;
    namespace cp = arrow::compute;
    bool grouped = !spec.keys.empty();
    // Sums of integers and decimals are taken over 76-digit decimals: Acero's sums wrap
    // around silently (int64 past 2^63, decimal128 past 38 digits), where SQLite and
    // Databricks refuse. The cast to the planned type below then fails on a sum too
    // large for it, as they do.
    auto arrow_input = input_schema.ToArrow();
    std::vector<cp::Expression> projection;
    std::vector<std::string> projected_names;
    // Float keys group -0.0 with 0.0, as Spark and SQLite do (signless_zero.h).
    for (const auto& field : arrow_input->fields()) {
      bool key = std::find(spec.keys.begin(), spec.keys.end(), field->name()) != spec.keys.end();
      projection.push_back(key ? SignlessZero(cp::field_ref(field->name()), *field->type())
                               : cp::field_ref(field->name()));
      projected_names.push_back(field->name());
    }
    std::vector<cp::Aggregate> aggregates;
    std::vector<DecimalAverageColumns> averages;
    for (const auto& aggregation : spec.aggregations) {
      std::shared_ptr<cp::FunctionOptions> options;
      std::vector<arrow::FieldRef> targets;
      switch (aggregation.function) {
        case sql::Aggregate::kCountAll:
          break;
        case sql::Aggregate::kCount:
        case sql::Aggregate::kCountDistinct:
          options = std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID);
          break;
        default:
          options =
              std::make_shared<cp::ScalarAggregateOptions>(/*skip_nulls=*/true, /*min_count=*/1);
          break;
      }
      if (aggregation.function != sql::Aggregate::kCountAll) {
        const std::string& name = input_schema[*input_schema.IndexOf(aggregation.column)].name;
        auto type = arrow_input->GetFieldByName(name)->type();
        std::optional<int32_t> scale;
        if (arrow::is_integer(type->id())) scale = 0;
        if (type->id() == arrow::Type::DECIMAL128)
          scale = static_cast<const arrow::Decimal128Type&>(*type).scale();
        bool decimal_average =
            aggregation.function == sql::Aggregate::kAvg && type->id() == arrow::Type::DECIMAL128;
        if ((aggregation.function == sql::Aggregate::kSum && scale) || decimal_average) {
          std::string wide = "__mortar_exact_sum_" + std::to_string(projection.size());
          projection.push_back(cp::call("cast", {cp::field_ref(name)},
                                        cp::CastOptions::Safe(arrow::decimal256(76, *scale))));
          projected_names.push_back(wide);
          targets.emplace_back(wide);
        } else if (aggregation.function == sql::Aggregate::kCountDistinct &&
                   arrow::is_floating(type->id())) {
          // -0.0 and 0.0 are one distinct value.
          std::string signless = "__mortar_signless_" + std::to_string(projection.size());
          projection.push_back(SignlessZero(cp::field_ref(name), *type));
          projected_names.push_back(signless);
          targets.emplace_back(signless);
        } else {
          targets.emplace_back(name);
        }
        // Acero's mean rounds to the input's scale: the exact sum and the count instead,
        // divided after (DecimalAverages).
        if (decimal_average) {
          std::string index = std::to_string(averages.size());
          DecimalAverageColumns average{aggregation.output_name, "__mortar_average_sum_" + index,
                                        "__mortar_average_count_" + index, *scale};
          aggregates.emplace_back(AceroFunction(sql::Aggregate::kSum, grouped), options, targets,
                                  average.sum);
          aggregates.emplace_back(AceroFunction(sql::Aggregate::kCount, grouped),
                                  std::make_shared<cp::CountOptions>(cp::CountOptions::ONLY_VALID),
                                  targets, average.count);
          averages.push_back(std::move(average));
          continue;
        }
      }
      aggregates.emplace_back(AceroFunction(aggregation.function, grouped), options, targets,
                              aggregation.output_name);
    }
    std::vector<arrow::FieldRef> keys;
    for (const auto& key : spec.keys)
      keys.emplace_back(input_schema[*input_schema.IndexOf(key)].name);

    auto source = ToArrowReader(std::move(reader));
    ac::Declaration plan = ac::Declaration::Sequence({
        {"record_batch_reader_source", ac::RecordBatchReaderSourceNodeOptions{source}},
        {"project", ac::ProjectNodeOptions{projection, projected_names}},
        {"aggregate", ac::AggregateNodeOptions{aggregates, keys}},
    });
    auto results = ac::DeclarationToReader(std::move(plan), /*use_threads=*/true);
    if (!results.ok())
      return FromArrowStatus(results.status()).WithContext("group " + input.name());

    auto arrow_output = output_schema.ToArrow();
    auto next = [&]() -> Result<Batch> {
      std::shared_ptr<arrow::RecordBatch> batch;
      if (arrow::Status status = (*results)->ReadNext(&batch); !status.ok())
        return FromArrowStatus(status).WithContext("group " + input.name());
      if (!batch) return Batch{};
      // Put the columns in the recipe's order, with the recipe's output types.
      std::vector<std::shared_ptr<arrow::Array>> columns;
      for (std::size_t i = 0; i < output_schema.size(); ++i) {
        auto column = batch->GetColumnByName(output_schema[i].name);
        for (const DecimalAverageColumns& average : averages) {
          if (average.output != output_schema[i].name) continue;
          MORTAR_ASSIGN_OR_RETURN(column, DecimalAverages(*batch, average, output_schema[i]));
        }
        if (!column)
          return Status::Internal("the local group engine lost column " + output_schema[i].name);
        if (!column->type()->Equals(*arrow_output->field(static_cast<int>(i))->type())) {
          auto cast = cp::Cast(*column, arrow_output->field(static_cast<int>(i))->type());
          if (!cast.ok()) {
            return Status::Invalid("column '" + output_schema[i].name +
                                   "': " + DoesNotFit(output_schema[i].type, cast.status()));
          }
          column = *cast;
        }
        columns.push_back(std::move(column));
      }
      return arrow::RecordBatch::Make(arrow_output, batch->num_rows(), std::move(columns));
    };
    return WriteLocalOutput(run, output_schema, "group " + input.name() + " -> " + output.name(),
                            next, "groups");
  }

 private:
  std::shared_ptr<const VisualRecipe> recipe_;
};

std::unique_ptr<Engine> GroupRecipe::LocalEngine(std::shared_ptr<const VisualRecipe> self) const {
  return std::make_unique<LocalGroupEngine>(std::move(self));
}

}  // namespace

std::shared_ptr<const VisualRecipe> MakeGroupRecipe() {
  return std::make_shared<GroupRecipe>();
}

}  // namespace mortar::recipes
