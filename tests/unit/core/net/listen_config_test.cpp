// The keys every listening service reads: enabled, listen (an IP literal or localhost), the limits.
#include "core/net/listen_config.hpp"

#include <gtest/gtest.h>

namespace layer7::core {
namespace {

// The keys of [echo] in `toml`, read over a service's defaults.
struct Keys {
    bool enabled = true;
    HostPort listen{"localhost", 12000};
    Limits limits{.max_line = 512};
    bool ok = false;
};
Keys read_echo(const std::string& toml)
{
    ConfigFile file(toml, "t.toml");
    Section echo = file.root().section("echo");
    Keys keys;
    parse_service_keys(echo, keys.enabled, keys.listen, keys.limits);
    echo.finish();
    keys.ok = file.ok();
    return keys;
}

TEST(ServiceKeys, ReadOverTheServicesDefaults)
{
    const Keys keys = read_echo("[echo]\nenabled = false\nlisten = \"[::1]:7\"\n[echo.limits]\nmax_line = 100\n");
    EXPECT_TRUE(keys.ok);
    EXPECT_FALSE(keys.enabled);
    EXPECT_EQ(to_string(keys.listen), "[::1]:7");
    EXPECT_EQ(keys.limits.max_line, 100u);
    EXPECT_EQ(keys.limits.idle_timeout, Limits{}.idle_timeout);
}

TEST(ServiceKeys, AbsentKeysKeepTheDefaults)
{
    const Keys keys = read_echo("[echo]\n");
    EXPECT_TRUE(keys.ok);
    EXPECT_TRUE(keys.enabled);
    EXPECT_EQ(to_string(keys.listen), "localhost:12000");
    EXPECT_EQ(keys.limits.max_line, 512u);
}

TEST(ServiceKeys, AListenerNeedsNoDns)
{
    for (const char* good : {"127.0.0.1:25", "[::1]:25", "localhost:25", "0.0.0.0:0"}) {
        ConfigFile file(std::string("[smtp]\nsubmission = \"") + good + "\"\n", "t.toml");
        Section smtp = file.root().section("smtp");
        parse_listen_address(smtp, "submission", {});
        EXPECT_TRUE(file.ok()) << good;
    }
    ConfigFile file("[smtp]\nlisten = \"mail.example.com:25\"\n", "t.toml");
    Section smtp = file.root().section("smtp");
    parse_listen_address(smtp, "listen", {});
    ASSERT_EQ(file.diagnostics().errors.size(), 1u);
    EXPECT_EQ(file.diagnostics().errors[0], "t.toml:2: smtp.listen: the address must be an IP literal or localhost");
}

TEST(ServiceKeys, AnEmptyAddressTurnsAnOptionalListenerOff)
{
    ConfigFile file("[smtp]\nsubmission = \"\"\n[rtsp]\nstats_listen = \"[::1]:8555\"\n[im]\n", "t.toml");
    Section smtp = file.root().section("smtp");
    Section rtsp = file.root().section("rtsp");
    Section im = file.root().section("im");
    const HostPort on{"127.0.0.1", 2587};
    EXPECT_FALSE(parse_optional_listen_address(smtp, "submission", on));
    const auto stats = parse_optional_listen_address(rtsp, "stats_listen", std::nullopt);
    ASSERT_TRUE(stats);
    EXPECT_EQ(to_string(*stats), "[::1]:8555");
    const auto kept = parse_optional_listen_address(im, "absent", on);
    ASSERT_TRUE(kept);
    EXPECT_EQ(to_string(*kept), "127.0.0.1:2587");
    EXPECT_FALSE(parse_optional_listen_address(im, "absent", std::nullopt));
    for (auto* s : {&smtp, &rtsp, &im})
        s->finish();
    EXPECT_TRUE(file.ok());
}

}  // namespace
}  // namespace layer7::core
