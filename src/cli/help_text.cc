// The help text of `mortar` and of each verb.
#include "cli/help_text.h"

#include <map>
#include <string>

namespace mortar::cli {

const char* const kGlobalHelp = R"(Mortar: a data-flow studio for files, SQLite and Databricks.

Usage: mortar [--home DIR] [--user NAME] [--project NAME] [--json] VERB ...

Verbs:
  init                       create the data directory (MORTAR_HOME, default ./mortar-data)
  quickstart                 create the sample project on the embedded default and build it
  connection list|show|test|add|set|delete|set-secret|authorize|grant|revoke
  project list|create|permissions|grant|revoke
  dataset list|show|preview|detect|import|create|export
  recipe list|show|create|run
  chart list|render          charts computed by the database (the live engine), as SVG
  build DATASET...           build datasets and what they depend on
  flow [--dot]               the recipes and datasets as a graph, and what is out of date
  job list|show|cancel       builds and recipe runs: state, log, and stopping one
  sql CONNECTION "QUERY"     run a query on a connection and print the rows
  user list|add|passwd|delete      Mortar's users (admin)
  group list|add                   Mortar's groups (admin)
  credentials list|set|delete      the acting user's own credentials for connections
  api-key list|create|revoke       the acting user's API keys for scripts
  secrets rotate-key|list          the vault of secrets (admin)
  serve                            the REST API, the web page and the OAuth callback
  version

Global options:
  --home DIR       the data directory (default: $MORTAR_HOME, else ./mortar-data)
  --user NAME      act as this user (default: $MORTAR_USER, else admin), with their
                   permissions on projects and connections (docs/authentication.md)
  --project NAME   the project (default: $MORTAR_PROJECT, else the only one)
  --json           machine-readable output
  --help           help on any verb: mortar dataset --help

Exit codes: 0 ok, 2 invalid input, 3 not found, 4 authentication, 5 conflict,
6 remote failure, 70 internal error, 130 interrupted.
)";

const std::map<std::string, std::string>& VerbHelp() {
  static const std::map<std::string, std::string> kHelp = {
      {"init",
       "Usage: mortar init\n\nCreates the data directory with the embedded default connections\n"
       "(filesystem_default, sqlite_default), the admin user and the secret key.\n"
       "Harmless when the directory exists.\n"},
      {"quickstart",
       "Usage: mortar quickstart [--rows N] [--force]\n\nCreates the project 'quickstart' on the "
       "embedded default:\n"
       "generated orders and customers as CSV files, synced into SQLite, grouped\n"
       "in-database, joined back to customers by a SQL recipe, and exported to CSV.\n"
       "Builds the flow and prints where the outputs are. --rows sets the number of\n"
       "orders (default 5000); --force rebuilds everything.\n"},
      {"connection",
       "Usage:\n"
       "  mortar connection list\n"
       "  mortar connection show NAME\n"
       "  mortar connection test NAME\n"
       "  mortar connection catalogs NAME\n"
       "  mortar connection schemas NAME [--catalog C]\n"
       "  mortar connection tables NAME [--catalog C] [--schema S]\n"
       "  mortar connection columns NAME TABLE [--catalog C] [--schema S]\n"
       "  mortar connection files NAME [PATH]       the folders and files in a folder of a\n"
       "                                            file, S3 or Azure connection\n"
       "  mortar connection add NAME --type TYPE [--param KEY=VALUE ...] [--description TEXT]\n"
       "  mortar connection add NAME --type databricks --jdbc-url URL --param auth.token_env=VAR\n"
       "  mortar connection set NAME [--param KEY=VALUE ...] [--unset KEY ...]\n"
       "                        [--description TEXT]  change params (admin); secrets go in\n"
       "                                            the vault with set-secret\n"
       "  mortar connection delete NAME\n"
       "  mortar connection grant|revoke NAME use|free_sql (--group G | --everyone)\n"
       "                                            who may use it (datasets, SQL recipes,\n"
       "                                            browsing) and run free SQL on it (admin)\n"
       "  mortar connection set-secret NAME FIELD   store a secret (token, client_secret,\n"
       "                                            secret_access_key, session_token,\n"
       "                                            account_key, sas_token, connect_token)\n"
       "                                            in the vault;\n"
       "                                            it is read from standard input\n"
       "  mortar connection authorize NAME          print the URL that starts the acting user's\n"
       "                                            OAuth grant (finished at 'mortar serve')\n"
       "\n"
       "Types and their params:\n"
       "  filesystem  root (a folder)\n"
       "  sqlite      path (a database file)\n"
       "  databricks  host, port (443), http_path (/sql/1.0/warehouses/<id>), catalog, schema,\n"
       "              ca_file, query_timeout_seconds, details_readable_by.mode (nobody,\n"
       "              analysts or groups) and details_readable_by.groups,\n"
       "              auth.type: pat, oauth_user, oauth_m2m, profile or environment;\n"
       "              auth.credentials: global or per_user (pat);\n"
       "              pat: the token in the vault (set-secret NAME token), or auth.token_env /\n"
       "                auth.token_file; per_user: each user runs 'mortar credentials set';\n"
       "              oauth_user / oauth_m2m: auth.client_id, the secret in the vault\n"
       "                (set-secret NAME client_secret) or auth.client_secret_env,\n"
       "                auth.authorization_endpoint and auth.token_endpoint (discovered from\n"
       "                the workspace when left out), auth.scope;\n"
       "              profile: auth.profile of ~/.databrickscfg; environment: DATABRICKS_HOST,\n"
       "                DATABRICKS_TOKEN or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET\n"
       "Values that read as JSON (numbers, true, false) keep their kind; a dotted key sets a\n"
       "field of a nested object. Relative paths are inside the data directory.\n"},
      {"project",
       "Usage:\n  mortar project list                 the projects you may see, with your role\n"
       "  mortar project create NAME [--description TEXT]   you become its admin\n"
       "  mortar project permissions NAME\n"
       "  mortar project grant NAME user|group WHO --role read|write|admin\n"
       "  mortar project revoke NAME user|group WHO\n\n"
       "read: see datasets, previews and charts; write: also build, run recipes and write\n"
       "datasets; admin: also grant and revoke (see docs/authentication.md).\n"},
      {"dataset",
       "Usage:\n  mortar dataset list\n  mortar dataset show NAME\n  mortar dataset preview NAME "
       "[--limit N]\n"
       "  mortar dataset detect NAME            detect the schema from the data and save it\n"
       "  mortar dataset scan NAME              read every row and report the count and time\n"
       "  mortar dataset import CONNECTION SOURCE [--name NAME] [--format csv|parquet]\n"
       "        SOURCE is a path on a file connection, or a table on a SQL connection\n"
       "  mortar dataset create NAME --connection C (--path P [--format csv|parquet] |\n"
       "        --table [CATALOG.][SCHEMA.]TABLE) [--param KEY=VALUE ...] [--replace]\n"
       "        define a dataset without reading it (a recipe's output)\n"
       "  mortar dataset export NAME FILE       write all rows to a local .csv, .csv.gz or "
       ".parquet file\n"},
      {"chart",
       "Usage:\n  mortar chart list\n  mortar chart render NAME [--out FILE.svg|FILE.png [--scale "
       "N]]\n\n"
       "Charts are defined in projects/<project>/charts/NAME.json (see docs/charts.md).\n"
       "chart render runs the chart's one aggregation query in the dataset's database\n"
       "(or, for files, on the first rows locally) and prints or writes the picture (SVG,\n"
       "or PNG when FILE ends in .png; --scale 2 doubles its pixels); with --json it\n"
       "prints the engine, the SQL and the rows instead.\n"},
      {"recipe",
       "Usage:\n  mortar recipe list\n  mortar recipe show NAME [--sql]\n  mortar recipe run "
       "NAME [--print-job]\n"
       "  mortar recipe create NAME --type TYPE [--input DATASET ...] [--output DATASET ...]\n"
       "        [--params JSON | --params-file FILE] [--engine E] [--replace]\n\n"
       "recipe create checks the params for the type (docs/recipes.md), that the datasets\n"
       "exist, and that the flow keeps one producer per dataset and no cycle, then saves.\n"
       "recipe show --sql prints the SQL an in-database engine would run.\n"
       "recipe run runs the recipe now, whether or not it is out of date; --print-job\n"
       "prints its job id first, as build does.\n"},
      {"build",
       "Usage: mortar build DATASET... [--force] [--print-job]\n\nRuns the recipes the datasets "
       "depend on that are out of date\n"
       "(their definition or inputs changed, or their outputs are missing), upstream\n"
       "first. --force runs them all. Each build writes a job log under jobs/.\n"
       "--print-job prints the job's id as soon as it starts, for 'mortar job show ID'.\n"},
      {"flow",
       "Usage: mortar flow [--dot] [--json]\n\nThe project's recipes, upstream first: what "
       "each reads and writes, and\n"
       "whether 'mortar build' would run it (out of date: its definition or inputs changed,\n"
       "or an output is missing). --dot prints the graph for Graphviz (datasets are boxes,\n"
       "recipes ellipses, what is out of date dashed): mortar flow --dot | dot -Tsvg\n"},
      {"job",
       "Usage:\n  mortar job list [--limit N]        the newest jobs of the projects you may "
       "read\n"
       "  mortar job show ID [--lines N]     its state, error and the end of its log\n"
       "  mortar job cancel ID               stop a running job (the write role on its "
       "project)\n\n"
       "A job is a build or a recipe run. States: running, succeeded, failed, cancelled, or\n"
       "ended (its process is gone without saying how). Cancelling stops it as Ctrl-C does:\n"
       "a statement running on a database is cancelled there, and outputs stay as they "
       "were.\n"},
      {"sql",
       "Usage: mortar sql CONNECTION \"QUERY\" [--limit N]\n\nRuns the query and prints up to N "
       "rows (default 100).\n"},
      {"version", "Usage: mortar version\n"},
      {"user",
       "Usage:\n  mortar user list\n  mortar user add NAME [--admin] [--group G ...] "
       "[--display-name "
       "TEXT]\n  mortar user passwd NAME\n  mortar user delete NAME\n\n"
       "Passwords are read from standard input (never from the command line) and stored\n"
       "as Argon2id hashes. The CLI is the admin's tool: it works on the data directory.\n"},
      {"group", "Usage:\n  mortar group list\n  mortar group add NAME [--description TEXT]\n"},
      {"credentials",
       "Usage:\n  mortar credentials list\n"
       "  mortar credentials set CONNECTION [--expires yyyy-mm-dd]\n"
       "  mortar credentials delete CONNECTION\n\n"
       "The acting user's (--user) own credentials for per-user connections: 'set' reads a\n"
       "personal access token from standard input (--expires: the day it expires, as\n"
       "Databricks showed it); 'list' shows what is provided, when each token was entered\n"
       "or OAuth authorization obtained, and when it expires. OAuth per-user grants start with\n"
       "'mortar connection authorize' or the web page's Authorize button.\n"},
      {"api-key",
       "Usage:\n  mortar api-key list\n  mortar api-key create [--label TEXT]\n"
       "  mortar api-key revoke ID\n\nKeys of the acting user for the REST API and the Python "
       "API; a new key is shown once.\n"},
      {"secrets",
       "Usage:\n  mortar secrets list\n  mortar secrets rotate-key\n\n"
       "The vault (security/vault.json) holds every secret encrypted under secret.key.\n"
       "rotate-key makes a new key and re-encrypts every secret; list shows slots, never "
       "values.\n"},
      {"serve",
       "Usage: mortar serve [--listen HOST:PORT] [--base-url URL] [--threads N] [--save]\n\n"
       "Serves the REST API, the web page and the OAuth callback (default\n"
       "127.0.0.1:8484). The OAuth redirect URI is <base URL>/api/oauth2-callback; register\n"
       "it exactly so. --save records --listen and --base-url in mortar.json, for later\n"
       "runs and for 'mortar connection authorize'. Stops on Ctrl-C or SIGTERM.\n"},
  };
  return kHelp;
}

}  // namespace mortar::cli
