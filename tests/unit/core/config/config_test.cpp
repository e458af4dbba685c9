#include "core/config/config.hpp"

#include <gtest/gtest.h>

namespace layer7::core {
namespace {

TEST(Config, TypedValuesAndDefaults)
{
    ConfigFile file("[echo]\nenabled = false\nlisten = \"[::1]:7\"\n[echo.limits]\nmax_line = 100\n", "t.toml");
    ASSERT_TRUE(file.ok());
    Section echo = file.root().section("echo");
    EXPECT_FALSE(echo.boolean("enabled", true));
    EXPECT_EQ(echo.address("listen", {}).port, 7);
    EXPECT_EQ(echo.string("missing", "dflt"), "dflt");
    Limits l = echo.limits({});
    EXPECT_EQ(l.max_line, 100u);
    EXPECT_EQ(l.idle_timeout, Limits{}.idle_timeout);
    echo.finish();
    EXPECT_TRUE(file.ok());
}

TEST(Config, SyntaxErrorNamesFileAndLine)
{
    ConfigFile file("[echo]\nenabled = true\nlisten = \n", "bad.toml");
    ASSERT_FALSE(file.ok());
    EXPECT_EQ(file.diagnostics().errors.at(0).rfind("bad.toml:3: ", 0), 0u) << file.diagnostics().errors[0];
}

TEST(Config, TypeRangeAndUnknownKeysNameTheirLine)
{
    ConfigFile file("[echo]\nenabled = \"yes\"\n\nlistne = \"x\"\n[echo.limits]\nmax_line = 1\n", "c.toml");
    ASSERT_TRUE(file.ok());
    Section echo = file.root().section("echo");
    echo.boolean("enabled", true);
    echo.limits({});
    echo.finish();
    const auto& errors = file.diagnostics().errors;
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0], "c.toml:2: echo.enabled: expected true or false");
    EXPECT_EQ(errors[1], "c.toml:6: echo.limits.max_line: must be between 64 and 1048576");
    EXPECT_EQ(errors[2], "c.toml:4: unknown key 'echo.listne'");
}

TEST(Config, BadAddressIsAnError)
{
    ConfigFile file("listen = \"nohost\"\n", "a.toml");
    Section root = file.root();
    root.address("listen", {"127.0.0.1", 1});
    ASSERT_EQ(file.diagnostics().errors.size(), 1u);
    EXPECT_NE(file.diagnostics().errors[0].find("a.toml:1: listen: expected host:port"), std::string::npos);
}

TEST(Config, StringListsAcceptOneOrMany)
{
    ConfigFile file("a = \"x\"\nb = [\"y\", \"z\"]\nc = [1]\n", "l.toml");
    Section root = file.root();
    EXPECT_EQ(root.strings("a", {}), std::vector<std::string>{"x"});
    EXPECT_EQ(root.strings("b", {}), (std::vector<std::string>{"y", "z"}));
    EXPECT_TRUE(root.strings("c", {}).empty());
    EXPECT_EQ(file.diagnostics().errors.size(), 1u);
}

}  // namespace
}  // namespace layer7::core

namespace layer7::core {
namespace {

TEST(Config, InstancesTakeOneTableOrAnArrayOfTables)
{
    ConfigFile one("[smtp]\nhostname = \"a\"\n", "one.toml");
    auto single = one.root().instances("smtp");
    ASSERT_EQ(single.size(), 1u);
    EXPECT_EQ(single[0].string("hostname", ""), "a");

    ConfigFile two("[[smtp]]\nhostname = \"a\"\n[smtp.limits]\nmax_line = 100\n[[smtp]]\nhostname = \"b\"\n",
                   "two.toml");
    auto both = two.root().instances("smtp");
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[0].string("hostname", ""), "a");
    EXPECT_EQ(both[0].limits({}).max_line, 100u);  // [smtp.limits] belongs to the table above it
    EXPECT_EQ(both[1].string("hostname", ""), "b");
    EXPECT_EQ(both[1].limits({}).max_line, Limits{}.max_line);

    ConfigFile none("[echo]\n", "none.toml");
    EXPECT_TRUE(none.root().instances("smtp").empty());
    EXPECT_TRUE(none.ok());
}

}  // namespace
}  // namespace layer7::core
