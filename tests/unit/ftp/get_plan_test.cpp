// `layer7 ftp get`'s choice between resuming and a whole download (issue 20: an unrelated local
// file was "resumed" into).
#include <gtest/gtest.h>

#include "ftp/get_plan.hpp"

namespace layer7::ftp {
namespace {

const FileFacts remote{1000, 5000};

TEST(FtpGetPlan, WithoutContinueEveryDownloadIsWholeAndReplacesOnlyOnSuccess)
{
    EXPECT_EQ(plan_get(false, std::nullopt, remote), GetPlan::whole_via_temporary);
    EXPECT_EQ(plan_get(false, FileFacts{400, 6000}, remote), GetPlan::whole_via_temporary);
    EXPECT_EQ(plan_get(false, FileFacts{1000, 6000}, remote), GetPlan::whole_via_temporary);
}

TEST(FtpGetPlan, ContinueResumesAPartWrittenAfterTheRemoteChanged)
{
    EXPECT_EQ(plan_get(true, FileFacts{400, 5000}, remote), GetPlan::resume);
    EXPECT_EQ(plan_get(true, FileFacts{400, 9000}, remote), GetPlan::resume);
    EXPECT_EQ(plan_get(true, FileFacts{1000, 5000}, remote), GetPlan::complete);
    EXPECT_EQ(plan_get(true, std::nullopt, remote), GetPlan::whole_into_file);
}

TEST(FtpGetPlan, ContinueDownloadsWholeWhenTheLocalFileIsNotAPart)
{
    EXPECT_EQ(plan_get(true, FileFacts{400, 4999}, remote), GetPlan::whole_via_temporary);   // remote is newer
    EXPECT_EQ(plan_get(true, FileFacts{1001, 9000}, remote), GetPlan::whole_via_temporary);  // local is longer
    EXPECT_EQ(plan_get(true, FileFacts{400, 9000}, FileFacts{1000, std::nullopt}), GetPlan::whole_via_temporary);
    EXPECT_EQ(plan_get(true, FileFacts{400, 9000}, FileFacts{std::nullopt, 5000}), GetPlan::whole_via_temporary);
}

}  // namespace
}  // namespace layer7::ftp
