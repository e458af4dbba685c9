// The spool's Doorbell: one listener per directory, a second takes over and the first is told,
// a replaced listener's handle leaves its successor in place, and rings go by directory.
#include "mail/queue/doorbell.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace layer7::mail {
namespace {

TEST(Doorbell, ASecondListenerTakesOverAndTheFirstIsTold)
{
    const std::string dir = (std::filesystem::temp_directory_path() / "layer7-doorbell-test").string();
    EXPECT_FALSE(Doorbell::ring(dir, "before"));  // nobody listens yet

    std::vector<std::string> first_rings, second_rings;
    int first_replaced = 0;
    auto first =
        Doorbell::listen(dir, {[&](const std::string& id) { first_rings.push_back(id); }, [&] { ++first_replaced; }});
    EXPECT_TRUE(Doorbell::ring(dir, "a"));
    auto second = Doorbell::listen(dir, {[&](const std::string& id) { second_rings.push_back(id); }, [] {}});
    EXPECT_EQ(first_replaced, 1);  // told before listen() returned
    EXPECT_TRUE(Doorbell::ring(dir, "b"));

    first.reset();  // the replaced listener's handle must not remove its successor
    EXPECT_TRUE(Doorbell::ring(dir, "c"));
    EXPECT_EQ(first_rings, std::vector<std::string>{"a"});
    EXPECT_EQ(second_rings, (std::vector<std::string>{"b", "c"}));

    second.reset();
    EXPECT_FALSE(Doorbell::ring(dir, "after"));
}

}  // namespace
}  // namespace layer7::mail
