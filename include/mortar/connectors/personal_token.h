// A user's own credentials for a connection that takes them per user: the personal
// access token a user enters, with the day it expires when the user gives it (Databricks
// shows a token's lifetime when it is made, but has no API that says which of a user's
// tokens a request carries, so the user's word is the only source), and forgetting
// them. The CLI and the REST API both store and forget through here.
#pragma once

#include <string>

#include "mortar/config/home.h"
#include "mortar/connectors/connection.h"

namespace mortar {

// The vault fields, per user and connection, of the token and of its expiry day.
inline constexpr char kPersonalTokenField[] = "token";
inline constexpr char kPersonalTokenExpiresField[] = "token_expires";

// OK when the connection takes per-user personal access tokens; else says what it
// uses instead.
Status CheckTakesPersonalToken(Connection& connection);

// Stores `token` as `user`'s for `connection`, which must take per-user personal access
// tokens. `expires` is empty (not said: any day given before is forgotten) or the day
// as yyyy-mm-dd, not in the past.
Status StorePersonalToken(const config::Home& home, Connection& connection, const std::string& user,
                          const std::string& token, const std::string& expires);

// Forgets every credential `user` gave for the connection named `connection` (a token
// and its expiry, an OAuth authorization); harmless when there are none.
Status ForgetUserCredentials(const config::Home& home, const std::string& user,
                             const std::string& connection);

}  // namespace mortar
