#include "mortar/flow/flow.h"
#include "mortar/flow/recipe_definition.h"
#include "mortar/flow/recipe_script.h"
#include "server/api_routes.h"

namespace mortar::server {

namespace {

// {"recipe": {name, type, inputs, outputs, params, engine}} of a request body.
Result<config::RecipeConfig> RecipeOf(const Json& body) {
  if (!body.contains("recipe") || !body["recipe"].is_object())
    return Status::Invalid(
        "expected {\"recipe\": {\"name\", \"type\", \"inputs\", \"outputs\", \"params\"}}");
  Json recipe = body["recipe"];
  if (!recipe.contains("params")) recipe["params"] = Json::object();
  MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig config,
                          config::RecipeConfig::FromJson(recipe, "the recipe"));
  config.file = "recipe '" + config.name + "'";
  return config;
}

// The engine a build would choose and its SQL, or why the recipe cannot run as it is.
Json ExplanationJson(Context& context, const config::RecipeConfig& recipe) {
  auto explained = ExplainRecipe(context, recipe);
  if (!explained.ok()) return Json{{"error", explained.status().message()}};
  return Json{{"engine", explained->engine}, {"sql", explained->sql}, {"why", explained->why}};
}

Json ScriptJson(const RecipeScript& script) {
  return Json{{"script", script.script}, {"code", script.code}};
}

}  // namespace

void AddRecipeRoutes(RouteTable& http, RouteContext& routes) {
  http.Get(
      R"(/api/recipes/([A-Za-z0-9_-]+))",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
        MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
        MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
        auto it = flow.recipes().find(request.matches[1]);
        if (it == flow.recipes().end())
          return Status::NotFound("no recipe named '" + request.matches[1].str() +
                                  "' in project '" + project->name() + "'");
        return Json{{"recipe", it->second.ToJson()},
                    {"explanation", ExplanationJson(*context, it->second)}};
      }));
  http.Get(
      R"(/api/recipes/([A-Za-z0-9_-]+)/script)",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
        MORTAR_ASSIGN_OR_RETURN(RecipeScript script,
                                ReadRecipeScript(*context, request.matches[1]));
        return ScriptJson(script);
      }));
  http.Put(
      R"(/api/recipes/([A-Za-z0-9_-]+)/script)",
      routes.Api([&routes](const httplib::Request& request, const Caller& caller) -> Result<Json> {
        MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
        if (!body.contains("code") || !body["code"].is_string())
          return Status::Invalid("expected {\"code\": \"...\"}");
        MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
        MORTAR_RETURN_IF_ERROR(
            WriteRecipeScript(*context, request.matches[1], body["code"].get<std::string>()));
        MORTAR_ASSIGN_OR_RETURN(RecipeScript script,
                                ReadRecipeScript(*context, request.matches[1]));
        return ScriptJson(script);
      }));
  // Checks a recipe as it would be saved, and explains it; nothing is saved.
  http.Post("/api/recipes/explain", routes.Api([&routes](const httplib::Request& request,
                                                         const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig recipe, RecipeOf(body));
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_ASSIGN_OR_RETURN(const config::Project* project, context->project());
    MORTAR_ASSIGN_OR_RETURN(Flow flow, Flow::Load(*project));
    MORTAR_RETURN_IF_ERROR(CheckRecipe(*context, flow, recipe, true));
    MORTAR_ASSIGN_OR_RETURN(RecipeExplanation explained, ExplainRecipe(*context, recipe));
    return Json{{"engine", explained.engine}, {"sql", explained.sql}, {"why", explained.why}};
  }));
  http.Post("/api/recipes", routes.Api([&routes](const httplib::Request& request,
                                                 const Caller& caller) -> Result<Json> {
    MORTAR_ASSIGN_OR_RETURN(Json body, JsonBody(request));
    MORTAR_ASSIGN_OR_RETURN(config::RecipeConfig recipe, RecipeOf(body));
    bool replace = body.value("replace", false);
    MORTAR_ASSIGN_OR_RETURN(auto context, routes.ProjectContextFor(caller.user, request));
    MORTAR_RETURN_IF_ERROR(DefineRecipe(*context, recipe, replace));
    return Json{{"recipe", recipe.ToJson()}, {"explanation", ExplanationJson(*context, recipe)}};
  }));
}

}  // namespace mortar::server
