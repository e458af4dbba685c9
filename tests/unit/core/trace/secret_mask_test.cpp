// mask_secrets: each protocol's password shapes are masked, the dialogue around them is not.
#include "core/trace/secret_mask.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace layer7::core {
namespace {

// Replays a dialogue on one connection; returns what the trace shows.
std::vector<std::string> shown(const std::vector<std::pair<Speaker, std::string>>& dialogue)
{
    SaslState state;
    std::vector<std::string> out;
    for (const auto& [who, line] : dialogue)
        out.push_back(mask_secrets(who, line, state));
    return out;
}

constexpr Speaker C = Speaker::client;
constexpr Speaker S = Speaker::server;

TEST(SecretMask, PassIsMaskedForFtpAndPop3)
{
    SaslState s;
    EXPECT_EQ(mask_secrets(C, "PASS hungry", s), "PASS ****");
    EXPECT_EQ(mask_secrets(C, "pass two words", s), "pass ****");
    EXPECT_EQ(mask_secrets(C, "PASS", s), "PASS");  // nothing to hide
    EXPECT_EQ(mask_secrets(C, "USER bob", s), "USER bob");
    EXPECT_EQ(mask_secrets(S, "PASS hungry", s), "PASS hungry");  // only what clients say
    EXPECT_EQ(mask_secrets(C, "PASSIVE x", s), "PASSIVE x");
}

TEST(SecretMask, SmtpAuthPlainWithInitialResponse)
{
    EXPECT_EQ(shown({{C, "AUTH PLAIN AGJvYgBodW5ncnk="},
                     {S, "235 2.7.0 Authentication successful"},
                     {C, "MAIL FROM:<bob@hamburger.edu>"}}),
              (std::vector<std::string>{"AUTH PLAIN ****", "235 2.7.0 Authentication successful",
                                        "MAIL FROM:<bob@hamburger.edu>"}));
}

TEST(SecretMask, SmtpAuthLoginContinuations)
{
    EXPECT_EQ(shown({{C, "auth login"},
                     {S, "334 VXNlcm5hbWU6"},
                     {C, "Ym9i"},
                     {S, "334 UGFzc3dvcmQ6"},
                     {C, "aHVuZ3J5"},
                     {S, "235 2.7.0 ok"},
                     {C, "QUIT"}}),
              (std::vector<std::string>{"auth login", "334 VXNlcm5hbWU6", "****", "334 UGFzc3dvcmQ6", "****",
                                        "235 2.7.0 ok", "QUIT"}));
}

TEST(SecretMask, Pop3AuthContinuationAndCancel)
{
    EXPECT_EQ(shown({{C, "AUTH PLAIN"}, {S, "+ "}, {C, "AGJvYgBodW5ncnk="}, {S, "+OK logged in"}, {C, "STAT"}}),
              (std::vector<std::string>{"AUTH PLAIN", "+ ", "****", "+OK logged in", "STAT"}));
    EXPECT_EQ(shown({{C, "AUTH LOGIN"}, {S, "+ VXNlcm5hbWU6"}, {C, "*"}, {S, "-ERR cancelled"}, {C, "PASS x"}}),
              (std::vector<std::string>{"AUTH LOGIN", "+ VXNlcm5hbWU6", "*", "-ERR cancelled", "PASS ****"}));
    // AUTH with no mechanism lists them; the +OK ends the exchange.
    EXPECT_EQ(shown({{C, "AUTH"}, {S, "+OK"}, {S, "PLAIN"}, {S, "."}, {C, "USER bob"}}).back(), "USER bob");
}

TEST(SecretMask, ImapLogin)
{
    SaslState s;
    EXPECT_EQ(mask_secrets(C, "a1 LOGIN bob hungry", s), "a1 LOGIN bob ****");
    EXPECT_EQ(mask_secrets(C, "a2 login \"bob smith\" \"p w\"", s), "a2 login \"bob smith\" ****");
    EXPECT_EQ(mask_secrets(C, "a3 LOGIN \"b\\\"ob\" x", s), "a3 LOGIN \"b\\\"ob\" ****");
    EXPECT_EQ(mask_secrets(C, "a4 SELECT INBOX", s), "a4 SELECT INBOX");
    EXPECT_FALSE(s.client_secrets_follow);
}

TEST(SecretMask, ImapLoginWithLiteralsHidesTheLinesThatFollow)
{
    EXPECT_EQ(shown({{C, "a1 LOGIN {3}"},
                     {S, "+ Ready"},
                     {C, "bob {6}"},
                     {S, "+ Ready"},
                     {C, "hungry"},
                     {S, "a1 OK LOGIN completed"},
                     {C, "a2 LOGOUT"}}),
              (std::vector<std::string>{"a1 LOGIN ****", "+ Ready", "****", "+ Ready", "****", "a1 OK LOGIN completed",
                                        "a2 LOGOUT"}));
}

TEST(SecretMask, ImapAuthenticate)
{
    EXPECT_EQ(shown({{C, "a1 AUTHENTICATE PLAIN AGJvYgBodW5ncnk="}, {S, "a1 OK done"}}).front(),
              "a1 AUTHENTICATE PLAIN ****");
    EXPECT_EQ(
        shown({{C, "a1 AUTHENTICATE PLAIN"}, {S, "+"}, {C, "AGJvYgBodW5ncnk="}, {S, "a1 OK done"}, {C, "a2 NOOP"}}),
        (std::vector<std::string>{"a1 AUTHENTICATE PLAIN", "+", "****", "a1 OK done", "a2 NOOP"}));
}

TEST(SecretMask, HttpAuthorizationKeepsTheScheme)
{
    SaslState s;
    EXPECT_EQ(mask_secrets(C, "Authorization: Basic Ym9iOmh1bmdyeQ==", s), "Authorization: Basic ****");
    EXPECT_EQ(mask_secrets(C, "proxy-authorization:   Bearer abc.def", s), "proxy-authorization:   Bearer ****");
    EXPECT_EQ(mask_secrets(C, "Authorization: token", s), "Authorization: ****");
    EXPECT_EQ(mask_secrets(C, "Accept: */*", s), "Accept: */*");
    EXPECT_EQ(mask_secrets(S, "WWW-Authenticate: Basic realm=\"x\"", s), "WWW-Authenticate: Basic realm=\"x\"");
}

TEST(SecretMask, EmptyAndOddLines)
{
    SaslState s;
    EXPECT_EQ(mask_secrets(C, "", s), "");
    EXPECT_EQ(mask_secrets(C, " ", s), " ");
    EXPECT_EQ(mask_secrets(C, "a LOGIN", s), "a LOGIN");
}

}  // namespace
}  // namespace layer7::core
