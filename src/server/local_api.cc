#include "mortar/server/local_api.h"

#include <chrono>
#include <thread>

#include "server/body_limits.h"
#include "server/data_api.h"

namespace mortar::server {

struct LocalDataApi::Impl {
  Impl(const config::Home& home, std::shared_ptr<const Registry> registry, LogLine log_line)
      : log(std::move(log_line)),
        api(home, std::move(registry), std::make_shared<auth::TokenSourceCache>(), tickets, log) {}

  LogLine log;
  TicketStore tickets;
  DataApi api;
  httplib::Server http;
  std::thread thread;
  std::string url;
};

LocalDataApi::LocalDataApi(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LocalDataApi::~LocalDataApi() {
  impl_->http.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Result<std::unique_ptr<LocalDataApi>> LocalDataApi::Start(const config::Home& home,
                                                          std::shared_ptr<const Registry> registry,
                                                          LogLine log) {
  auto impl = std::make_unique<Impl>(home, std::move(registry), std::move(log));
  RouteTable routes(impl->http);
  GuardRequestBodies(impl->http, impl->api);
  impl->api.Register(routes);
  impl->http.set_logger([log = impl->log](const httplib::Request& request,
                                          const httplib::Response& response) {
    if (log)
      log("api: " + request.method + " " + request.path + " " + std::to_string(response.status));
  });
  int port = impl->http.bind_to_any_port("127.0.0.1");
  if (port <= 0) return Status::Internal("cannot listen on 127.0.0.1 for the recipe's data API");
  impl->url = "http://127.0.0.1:" + std::to_string(port);
  httplib::Server* http = &impl->http;
  impl->thread = std::thread([http] { http->listen_after_bind(); });
  while (!impl->http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return std::unique_ptr<LocalDataApi>(new LocalDataApi(std::move(impl)));
}

const std::string& LocalDataApi::url() const {
  return impl_->url;
}

std::string LocalDataApi::MintTicket(RecipeGrant grant) {
  TicketScope scope{.user = std::move(grant.user), .project = std::move(grant.project)};
  scope.readable = std::move(grant.readable);
  scope.writable = std::move(grant.writable);
  scope.connections = std::move(grant.connections);
  scope.defer_commit = true;
  // Revoked when the recipe ends; the lifetime only bounds a recipe that never does.
  return impl_->tickets.Mint(std::move(scope), std::chrono::hours(24));
}

Status LocalDataApi::Finish(const std::string& ticket, bool succeeded) {
  impl_->tickets.Revoke(ticket);
  if (!succeeded) {
    impl_->api.AbortWrites(ticket);
    return Status::OK();
  }
  return impl_->api.CommitWrites(ticket);
}

}  // namespace mortar::server
