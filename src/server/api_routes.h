// The REST API's routes, by what they are about, one file each. Each adds its routes
// to the server; `routes` outlives it.
#pragma once

#include <httplib.h>

#include "server/data_api.h"
#include "server/login_throttle.h"
#include "server/route_context.h"
#include "server/route_table.h"

namespace mortar::server {

// POST /api/login and /api/logout, GET /api/me, and the caller's API keys.
void AddAccountRoutes(RouteTable& http, RouteContext& routes, LoginThrottle& throttle);
// The connections the caller may use: list, test, browse, and their own credentials
// (a personal token, or the start of an OAuth grant).
void AddConnectionRoutes(RouteTable& http, RouteContext& routes);
// An admin's changes to connections: create, settings (read and change), delete, and
// secrets (write-only, into the vault).
void AddConnectionAdminRoutes(RouteTable& http, RouteContext& routes);
// POST /api/sql: a query on a connection the caller may run free SQL on.
void AddSqlRoute(RouteTable& http, RouteContext& routes);
// Charts: the list, each chart's data as JSON (the live engine, or the cache), and its
// picture as SVG or PNG for an <img>.
void AddChartRoutes(RouteTable& http, RouteContext& routes);
// The project's flow (GET /api/flow, as 'mortar flow --json'), and jobs: the list the
// caller may see, one job with the end of its log, and cancelling a running one.
void AddFlowRoutes(RouteTable& http, RouteContext& routes);
// A dataset of a project: its settings and schema, a page of its rows, and its column
// statistics computed by a database (the read role, and use of its connection).
void AddDatasetRoutes(RouteTable& http, RouteContext& routes);
// A project's recipes: one with the engine a build would choose and its SQL, a recipe
// checked and explained without being saved, and one defined (the write role).
void AddRecipeRoutes(RouteTable& http, RouteContext& routes);
// Users and groups (listed for every user, added by admins; password changes take turns
// with logins under `throttle`), and a project's grants
// (seen with the read role, changed by the project's admins).
void AddAccessRoutes(RouteTable& http, RouteContext& routes, LoginThrottle& throttle);
// The OAuth redirect URI (/api/oauth2-callback) and the confirmation of a grant started
// outside the browser (/api/oauth2-confirm).
void AddOAuthCallbackRoutes(RouteTable& http, RouteContext& routes);

// Every route under /api/ that `mortar serve` answers: the groups above, the data API of
// the Python package, and GET /api/openapi.json, the document that describes them all.
void AddApiRoutes(RouteTable& http, RouteContext& routes, LoginThrottle& throttle,
                  DataApi& data_api);

}  // namespace mortar::server
