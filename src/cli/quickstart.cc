// `mortar quickstart`: a sample project on the embedded default. Generated CSV files of
// orders and customers are synced into SQLite, grouped in-database, joined back to the
// customers by a SQL recipe, and exported to CSV; a side branch of visual recipes
// (prepare, top N) and a chart rendered to SVG.
#include <cstdio>
#include <fstream>
#include <random>

#include "cli/commands.h"
#include "mortar/builtin/builtin_registry.h"
#include "mortar/charts/chart.h"
#include "mortar/config/home.h"
#include "mortar/core/value_text.h"
#include "mortar/flow/context.h"
#include "mortar/flow/flow.h"
#include "mortar/security/permissions.h"

namespace mortar::cli {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kProject = "quickstart";
constexpr const char* kFirstNames[] = {"Ada",   "Björn", "Chloé", "Dmitri", "Emma",  "Farid",
                                       "Grace", "Hiro",  "Inès",  "Jonas",  "Kofi",  "Lena",
                                       "Mateo", "Nadia", "Omar",  "Priya",  "Quinn", "Rosa",
                                       "Sven",  "Tariq", "Uma",   "Victor", "Wen",   "Yara"};
constexpr const char* kLastNames[] = {"Okafor", "Lindqvist", "Moreau", "Ivanov", "Schmidt",
                                      "Haddad", "Hopper",    "Tanaka", "Dubois", "Berg",
                                      "Mensah", "Fischer",   "García", "Khan",   "Rossi",
                                      "Patel",  "Novak",     "Silva",  "Nguyen", "O'Brien"};
struct Place {
  const char* country;
  const char* city;
};
constexpr Place kPlaces[] = {
    {"France", "Lyon"},   {"Germany", "Berlin"},      {"Japan", "Osaka"}, {"Brazil", "Recife"},
    {"Kenya", "Nairobi"}, {"Canada", "Toronto"},      {"India", "Pune"},  {"Sweden", "Malmö"},
    {"Spain", "Sevilla"}, {"United States", "Austin"}};
constexpr const char* kProducts[] = {"Espresso machine", "Grinder",        "Kettle, gooseneck",
                                     "Filter papers",    "Milk jug",       "Scale",
                                     "Tamper",           "Cups (set of 4)"};
constexpr double kPrices[] = {249.0, 89.5, 39.9, 4.5, 12.0, 24.99, 19.0, 29.0};
constexpr const char* kStatuses[] = {"delivered", "delivered", "delivered",
                                     "shipped",   "cancelled", "returned"};

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Status WriteSampleData(const fs::path& folder, int64_t orders) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) return Status::Invalid("cannot create " + folder.string() + ": " + error.message());
  std::mt19937_64 random(20261124);
  auto pick = [&](auto& list) -> auto& {
    return list[random() % (sizeof(list) / sizeof(list[0]))];
  };
  const int64_t customers = std::max<int64_t>(10, orders / 10);
  {
    std::ofstream out(folder / "customers.csv");
    out << "customer_id,name,email,country,city,signup_date\n";
    for (int64_t id = 1; id <= customers; ++id) {
      std::string first = pick(kFirstNames);
      std::string last = pick(kLastNames);
      std::string email;
      for (char c : first + "." + last) {
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '.') {
          email += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      const Place& place = pick(kPlaces);
      int32_t signup =
          static_cast<int32_t>(*ParseDate("2021-01-01") + static_cast<int32_t>(random() % 1000));
      out << id << "," << CsvField(first + " " + last) << "," << email << id << "@example.com,"
          << CsvField(place.country) << "," << CsvField(place.city) << "," << FormatDate(signup)
          << "\n";
    }
    if (!out) return Status::Invalid("cannot write " + (folder / "customers.csv").string());
  }
  std::ofstream out(folder / "orders.csv");
  out << "order_id,customer_id,order_date,product,quantity,amount,status\n";
  for (int64_t id = 1; id <= orders; ++id) {
    std::size_t product = random() % (sizeof(kProducts) / sizeof(kProducts[0]));
    int quantity = 1 + static_cast<int>(random() % 4);
    int32_t day =
        static_cast<int32_t>(*ParseDate("2024-01-01") + static_cast<int32_t>(random() % 700));
    char amount[32];
    std::snprintf(amount, sizeof(amount), "%.2f", kPrices[product] * quantity);
    out << id << "," << 1 + static_cast<int64_t>(random() % static_cast<uint64_t>(customers)) << ","
        << FormatDate(day) << "," << CsvField(kProducts[product]) << "," << quantity << ","
        << amount << "," << pick(kStatuses) << "\n";
  }
  if (!out) return Status::Invalid("cannot write " + (folder / "orders.csv").string());
  return Status::OK();
}

config::DatasetConfig Files(const std::string& name, const std::string& path) {
  return config::DatasetConfig{
      name, "filesystem_default", "files", Json{{"path", path}}, std::nullopt, ""};
}

config::DatasetConfig Table(const std::string& name) {
  return config::DatasetConfig{
      name, "sqlite_default", "sql_table", Json{{"table", "qs_" + name}}, std::nullopt, ""};
}

config::RecipeConfig Recipe(const std::string& name, const std::string& type,
                            std::vector<std::string> inputs, std::vector<std::string> outputs,
                            Json params) {
  return config::RecipeConfig{
      name, type, std::move(inputs), std::move(outputs), "", std::move(params), ""};
}

Status CreateProject(const config::Home& home, const fs::path& data_folder, int64_t orders) {
  MORTAR_ASSIGN_OR_RETURN(
      config::Project project,
      home.CreateProject(kProject, "Orders and customers on the embedded default"));
  MORTAR_RETURN_IF_ERROR(WriteSampleData(data_folder, orders));
  for (const auto& dataset :
       {Files("customers_csv", "quickstart/customers.csv"),
        Files("orders_csv", "quickstart/orders.csv"), Table("customers"), Table("orders"),
        Table("orders_by_customer"), Table("customer_summary"), Table("orders_kept"),
        Table("top_orders_per_product"),
        Files("customer_summary_csv", "quickstart/output/customer_summary.csv")}) {
    MORTAR_RETURN_IF_ERROR(project.SaveDataset(dataset));
  }
  for (const auto& recipe : {
           Recipe("sync_customers", "sync", {"customers_csv"}, {"customers"}, Json::object()),
           Recipe("sync_orders", "sync", {"orders_csv"}, {"orders"}, Json::object()),
           Recipe("group_orders", "group", {"orders"}, {"orders_by_customer"},
                  Json{{"keys", {"customer_id"}},
                       {"count", true},
                       {"aggregations",
                        {{{"column", "amount"}, {"functions", {"sum", "avg", "max"}}},
                         {{"column", "product"}, {"functions", {"count_distinct"}}},
                         {{"column", "order_date"}, {"functions", {"min", "max"}}}}}}),
           Recipe("summarize_customers", "sql", {"customers", "orders_by_customer"},
                  {"customer_summary"},
                  Json{{"sql",
                        "SELECT c.customer_id, c.name, c.country, o.count AS orders,\n"
                        "       o.amount_sum AS total_amount, o.amount_max AS largest_order,\n"
                        "       o.order_date_min AS first_order, o.order_date_max AS last_order\n"
                        "FROM ${customers} c\n"
                        "JOIN ${orders_by_customer} o ON o.customer_id = c.customer_id\n"
                        "ORDER BY total_amount DESC"}}),
           Recipe("export_summary", "sync", {"customer_summary"}, {"customer_summary_csv"},
                  Json::object()),
           // A side branch of visual recipes: prepare, then top N per product.
           Recipe("prepare_orders", "prepare", {"orders"}, {"orders_kept"},
                  Json{{"steps",
                        {{{"type", "filter"},
                          {"column", "status"},
                          {"values", {"cancelled", "returned"}},
                          {"keep", false}},
                         {{"type", "formula"},
                          {"expression", "year(order_date) * 100 + month(order_date)"},
                          {"output", "period"}},
                         {{"type", "if"},
                          {"condition", "amount >= 100"},
                          {"then", "'large'"},
                          {"else", "'small'"},
                          {"output", "size"}}}}}),
           Recipe("top_orders", "top_n", {"orders_kept"}, {"top_orders_per_product"},
                  Json{{"n", 3},
                       {"partition_by", {"product"}},
                       {"order_by", {{{"column", "amount"}, {"descending", true}}}},
                       {"rank_column", "rank"}}),
       }) {
    MORTAR_RETURN_IF_ERROR(project.SaveRecipe(recipe));
  }
  // A chart computed by SQLite: revenue of kept orders per month.
  MORTAR_RETURN_IF_ERROR(
      config::WriteJsonFile(project.dir() / "charts" / "revenue_by_month.json",
                            Json{{"name", "revenue_by_month"},
                                 {"dataset", "orders_kept"},
                                 {"type", "bar"},
                                 {"dimensions", {{{"column", "order_date"}, {"bin", "month"}}}},
                                 {"measures", {{{"column", "amount"}, {"function", "sum"}}}}}));
  return Status::OK();
}

}  // namespace

Status Quickstart(const Arguments& args, std::ostream& out) {
  MORTAR_RETURN_IF_ERROR(args.CheckOptions({"rows", "force"}));
  MORTAR_ASSIGN_OR_RETURN(int64_t orders, args.IntegerOption("rows", 5000));
  if (orders < 1) return Status::Invalid("--rows must be at least 1");
  fs::path root =
      args.Option("home") ? fs::path(*args.Option("home")) : config::Home::DefaultRoot();
  MORTAR_ASSIGN_OR_RETURN(config::Home home, config::Home::Init(root));
  fs::path data_folder = home.root() / "files" / "quickstart";
  bool fresh = !fs::exists(home.ProjectsDir() / kProject / "project.json");
  std::string user = args.Option("user").value_or("admin");
  MORTAR_RETURN_IF_ERROR(home.FindUser(user).status());
  if (fresh) {
    MORTAR_RETURN_IF_ERROR(CreateProject(home, data_folder, orders));
    // The project belongs to whoever made it.
    MORTAR_RETURN_IF_ERROR(security::SetProjectGrant(
        home, kProject, security::ProjectGrant{user, "", security::ProjectRole::kAdmin}));
  } else if (args.Flag("force")) {
    MORTAR_RETURN_IF_ERROR(
        security::RequireProjectRole(home, user, kProject, security::ProjectRole::kWrite));
    MORTAR_RETURN_IF_ERROR(CreateProject(home, data_folder, orders));
  }

  Context context(home, BuiltinRegistry(), user);
  MORTAR_RETURN_IF_ERROR(context.SelectProject(std::string(kProject)));
  MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context.project());
  if (fresh || args.Flag("force")) {
    // Source datasets get their schema recorded once, as 'dataset import' does, so
    // that later rows are checked against it instead of changing it.
    for (const char* source : {"customers_csv", "orders_csv"}) {
      MORTAR_ASSIGN_OR_RETURN(Dataset * dataset, context.GetDataset(source));
      MORTAR_ASSIGN_OR_RETURN(Schema schema, dataset->DetectSchema());
      config::DatasetConfig config = dataset->config();
      config.schema = schema;
      MORTAR_RETURN_IF_ERROR(project->SaveDataset(config));
      context.ForgetDataset(source);
    }
  }
  MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
  out << (fresh ? "Created" : "Using") << " project '" << kProject << "' in "
      << home.root().string() << "\n";
  if (fresh)
    out << "Generated " << orders << " orders and their customers in " << data_folder.string()
        << "\n";
  BuildOptions options;
  options.force = args.Flag("force");
  options.echo = !args.Flag("quiet");
  MORTAR_ASSIGN_OR_RETURN(
      BuildReport report,
      flow.Build(context, {"customer_summary_csv", "top_orders_per_product"}, options));
  fs::path chart_file = data_folder / "output" / "revenue_by_month.svg";
  MORTAR_ASSIGN_OR_RETURN(
      charts::ChartSpec chart,
      charts::ChartSpec::Load(project->dir() / "charts" / "revenue_by_month.json"));
  MORTAR_ASSIGN_OR_RETURN(charts::ChartData chart_data,
                          charts::ComputeChart(context, chart, fs::temp_directory_path()));
  MORTAR_RETURN_IF_ERROR(config::WriteTextFile(chart_file, charts::RenderSvg(chart, chart_data),
                                               fs::perms::owner_read | fs::perms::owner_write |
                                                   fs::perms::group_read | fs::perms::others_read));
  out << "\nThe flow: orders.csv, customers.csv -> sync into SQLite -> group orders by customer\n"
         "(in-database) -> SQL recipe joining customers -> export to CSV; and orders ->\n"
         "prepare (drop cancelled and returned, add period and size) -> top 3 orders per\n"
         "product, both in-database; a chart of revenue per month computed by SQLite\n\n";
  for (const auto& outcome : report.recipes) {
    out << "  " << outcome.recipe << ": "
        << (outcome.ran
                ? "ran on the " + outcome.engine + " engine, " + FormatCount(outcome.rows) + " rows"
                : std::string("up to date"))
        << "\n";
  }
  out << "\nOutputs:\n"
      << "  SQLite database: " << (home.root() / "sqlite" / "default.db").string()
      << "\n                   (tables qs_customers, qs_orders, qs_orders_by_customer,\n"
      << "                   qs_customer_summary, qs_orders_kept, qs_top_orders_per_product)\n"
      << "  CSV export:      " << (data_folder / "output" / "customer_summary.csv").string() << "\n"
      << "  Chart:           " << chart_file.string() << " (" << chart_data.rows.size()
      << " months)\n"
      << "  Job log:         " << report.log_path << "\n\n"
      << "Try: mortar --home " << home.root().string() << " dataset preview customer_summary\n"
      << "     mortar --home " << home.root().string() << " recipe show group_orders --sql\n"
      << "     mortar --home " << home.root().string() << " recipe show prepare_orders --sql\n"
      << "     mortar --home " << home.root().string()
      << " chart render revenue_by_month --out chart.svg\n";
  return Status::OK();
}

}  // namespace mortar::cli
