#include "privacy/validators/us_itin.h"

#include <gtest/gtest.h>

namespace ptmo::privacy::validators {
namespace {

TEST(UsItin, AcceptsEveryGroupRangeEdge) {
  for (const char* s : {"912501234", "912651234", "912701234", "912881234", "912901234",
                        "912921234", "912941234", "912991234"}) {
    EXPECT_TRUE(IsValidUsItin(s)) << s;
  }
}

TEST(UsItin, RejectsGroupsOutsideTheRanges) {
  for (const char* s :
       {"912491234", "912661234", "912691234", "912891234", "912931234", "912001234"}) {
    EXPECT_FALSE(IsValidUsItin(s)) << s;
  }
}

TEST(UsItin, RequiresLeadingNineAndNineDigits) {
  EXPECT_FALSE(IsValidUsItin("812701234"));
  EXPECT_FALSE(IsValidUsItin("91270123"));
  EXPECT_FALSE(IsValidUsItin("912-70-1234"));
}

}  // namespace
}  // namespace ptmo::privacy::validators
