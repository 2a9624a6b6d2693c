// Test support: a fresh data directory in a temporary folder, removed afterwards.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "mortar/builtin/builtin_registry.h"
#include "mortar/config/home.h"
#include "mortar/flow/context.h"

namespace mortar::testing {

class TempHome {
 public:
  TempHome() {
    std::random_device random;
    root_ = std::filesystem::temp_directory_path() /
            ("mortar-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    auto home = config::Home::Init(root_);
    EXPECT_TRUE(home.ok()) << home.status().ToString();
    home_.emplace(*home);
    auto project = home_->CreateProject("test", "");
    EXPECT_TRUE(project.ok());
  }
  ~TempHome() {
    std::error_code error;
    std::filesystem::remove_all(root_, error);
  }

  const config::Home& home() const { return *home_; }
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path Files() const { return root_ / "files"; }

  void WriteFile(const std::string& relative, const std::string& text) const {
    auto path = root_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  std::unique_ptr<Context> MakeContext() const {
    auto context = std::make_unique<Context>(*home_, BuiltinRegistry(), "admin");
    EXPECT_TRUE(context->SelectProject(std::string("test")).ok());
    return context;
  }

 private:
  std::filesystem::path root_;
  std::optional<config::Home> home_;
};

}  // namespace mortar::testing
