// CGI meta-variables (RFC 3875 §4.1).
#include "http/cgi/meta_variables.hpp"

#include <gtest/gtest.h>

#include <map>

namespace layer7::http::cgi {
namespace {

std::map<std::string, std::string> as_map(const std::vector<std::string>& env)
{
    std::map<std::string, std::string> m;
    for (const auto& e : env) {
        const auto eq = e.find('=');
        EXPECT_NE(eq, std::string::npos) << e;
        EXPECT_TRUE(m.emplace(e.substr(0, eq), e.substr(eq + 1)).second) << "twice: " << e;
    }
    return m;
}

Request post_request()
{
    Request r;
    r.method = Method(MethodId::post);
    r.target = "/cgi-bin/form/a/b?x=1&y=2";
    r.fields.add("Host", "www.example.com:8081");
    r.fields.add("Content-Type", "application/x-www-form-urlencoded");
    r.fields.add("Content-Length", "7");
    r.fields.add("Accept-Language", "fr");
    r.fields.add("Accept", "text/html");
    r.fields.add("accept", "text/plain");
    return r;
}

TEST(CgiMetaVariables, AllOfSection4)
{
    const Request r = post_request();
    auto m = as_map(meta_variables({.request = r,
                                    .script_name = "/cgi-bin/form",
                                    .path_info = "/a/b",
                                    .query = "x=1&y=2",
                                    .script_filename = "/srv/cgi/form",
                                    .content_length = 7,
                                    .server_name = "127.0.0.1",
                                    .server_port = 8080,
                                    .remote_addr = "127.0.0.2",
                                    .remote_port = 40000}));
    EXPECT_EQ(m["GATEWAY_INTERFACE"], "CGI/1.1");
    EXPECT_EQ(m["REQUEST_METHOD"], "POST");
    EXPECT_EQ(m["QUERY_STRING"], "x=1&y=2");
    EXPECT_EQ(m["CONTENT_LENGTH"], "7");
    EXPECT_EQ(m["CONTENT_TYPE"], "application/x-www-form-urlencoded");
    EXPECT_EQ(m["SCRIPT_NAME"], "/cgi-bin/form");
    EXPECT_EQ(m["PATH_INFO"], "/a/b");
    EXPECT_EQ(m["SCRIPT_FILENAME"], "/srv/cgi/form");
    EXPECT_EQ(m["REQUEST_URI"], "/cgi-bin/form/a/b?x=1&y=2");
    EXPECT_EQ(m["SERVER_NAME"], "www.example.com");  // from Host, as the client addressed us
    EXPECT_EQ(m["SERVER_PORT"], "8081");
    EXPECT_EQ(m["SERVER_PROTOCOL"], "HTTP/1.1");
    EXPECT_EQ(m["SERVER_SOFTWARE"], "layer7");
    EXPECT_EQ(m["REMOTE_ADDR"], "127.0.0.2");
    EXPECT_EQ(m["REMOTE_PORT"], "40000");
    EXPECT_EQ(m["HTTP_ACCEPT_LANGUAGE"], "fr");
    EXPECT_EQ(m["HTTP_ACCEPT"], "text/html, text/plain");  // repeated fields joined
    EXPECT_EQ(m["HTTP_HOST"], "www.example.com:8081");
    EXPECT_FALSE(m.contains("HTTP_CONTENT_LENGTH"));
    EXPECT_FALSE(m.contains("HTTP_CONTENT_TYPE"));
    EXPECT_FALSE(m.contains("HTTPS"));
    EXPECT_EQ(m["PATH"], "/usr/local/bin:/usr/bin:/bin");
}

TEST(CgiMetaVariables, GetWithoutHostOverTls)
{
    Request r;
    r.target = "/cgi-bin/x";
    r.version = {1, 0};
    auto m = as_map(meta_variables({.request = r,
                                    .script_name = "/cgi-bin/x",
                                    .server_name = "127.0.0.1",
                                    .server_port = 8443,
                                    .remote_addr = "::1",
                                    .https = true}));
    EXPECT_EQ(m["QUERY_STRING"], "");  // always set (§4.1.7)
    EXPECT_FALSE(m.contains("PATH_INFO"));
    EXPECT_FALSE(m.contains("CONTENT_LENGTH"));
    EXPECT_FALSE(m.contains("CONTENT_TYPE"));
    EXPECT_EQ(m["SERVER_NAME"], "127.0.0.1");
    EXPECT_EQ(m["SERVER_PORT"], "8443");
    EXPECT_EQ(m["SERVER_PROTOCOL"], "HTTP/1.0");
    EXPECT_EQ(m["HTTPS"], "on");
    EXPECT_EQ(m["REMOTE_ADDR"], "::1");
}

TEST(CgiMetaVariables, HostWithoutPortTakesTheSchemeDefault)
{
    Request r;
    r.fields.add("Host", "example.org");
    auto m = as_map(meta_variables({.request = r, .server_port = 8443, .https = true}));
    EXPECT_EQ(m["SERVER_NAME"], "example.org");
    EXPECT_EQ(m["SERVER_PORT"], "443");
}

TEST(CgiMetaVariables, FieldsKeptFromScripts)
{
    EXPECT_EQ(http_variable_name("X-Forwarded-For"), "HTTP_X_FORWARDED_FOR");
    EXPECT_EQ(http_variable_name("user-agent"), "HTTP_USER_AGENT");
    EXPECT_FALSE(http_variable_name("Authorization"));
    EXPECT_FALSE(http_variable_name("proxy-authorization"));
    EXPECT_FALSE(http_variable_name("Proxy"));  // httpoxy
    EXPECT_FALSE(http_variable_name("content-length"));
    EXPECT_FALSE(http_variable_name("X_Forwarded_For"));  // would alias X-Forwarded-For
    Request r;
    r.fields.add("Proxy", "http://evil:1/");
    r.fields.add("Authorization", "Basic Zm9vOmJhcg==");
    auto m = as_map(meta_variables({.request = r}));
    EXPECT_FALSE(m.contains("HTTP_PROXY"));
    EXPECT_FALSE(m.contains("HTTP_AUTHORIZATION"));
}

}  // namespace
}  // namespace layer7::http::cgi
