#include "mortar/core/status.h"

#include <gtest/gtest.h>

#include "mortar/core/sql_error_detail.h"

namespace mortar {
namespace {

class AttemptsDetail final : public StatusDetail {
 public:
  explicit AttemptsDetail(int attempts) : attempts(attempts) {}
  std::string ToString() const override { return "attempts=" + std::to_string(attempts); }
  int attempts;
};

TEST(StatusTest, CarriesCodeMessageAndDetails) {
  Status status =
      Status::NotFound("no table").WithDetail(SqlErrorDetail("42P01")).WithContext("reading t");
  EXPECT_EQ(status.code(), ErrorCode::kNotFound);
  EXPECT_EQ(status.message(), "reading t: no table");
  EXPECT_EQ(status.ToString(), "reading t: no table (sqlstate=42P01)");
  EXPECT_TRUE(Status::OK().ok());
}

TEST(StatusTest, DetailsAreFoundByTypeAndReplacedByOneOfTheSameType) {
  Status status = Status::Remote("gave up")
                      .WithDetail(AttemptsDetail(2))
                      .WithDetail(SqlErrorDetail("08001", "CONNECTION_LOST"))
                      .WithDetail(AttemptsDetail(3));
  ASSERT_NE(status.detail<AttemptsDetail>(), nullptr);
  EXPECT_EQ(status.detail<AttemptsDetail>()->attempts, 3);
  EXPECT_EQ(status.detail<SqlErrorDetail>()->error_class, "CONNECTION_LOST");
  EXPECT_EQ(status.ToString(), "gave up (error_class=CONNECTION_LOST, sqlstate=08001, attempts=3)");
  // A copy keeps its details; adding to one leaves the other as it was.
  Status earlier = Status::Remote("x").WithDetail(AttemptsDetail(1));
  Status later = earlier.WithDetail(SqlErrorDetail("42000"));
  EXPECT_EQ(earlier.detail<SqlErrorDetail>(), nullptr);
  EXPECT_NE(later.detail<SqlErrorDetail>(), nullptr);
}

TEST(StatusTest, OkHasNoDetailsAndStaysOk) {
  Status ok = Status::OK().WithDetail(AttemptsDetail(1));
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.detail<AttemptsDetail>(), nullptr);
  EXPECT_EQ(Status::Invalid("bad").detail<AttemptsDetail>(), nullptr);
  EXPECT_EQ(Status::Invalid("bad").ToString(), "bad");
}

}  // namespace
}  // namespace mortar
