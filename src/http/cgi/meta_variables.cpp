// The CGI meta-variables: see meta_variables.hpp.
#include "http/cgi/meta_variables.hpp"

#include <algorithm>
#include <map>

#include "http/message/target.hpp"
#include "http/message/token.hpp"

namespace layer7::http::cgi {

std::optional<std::string> http_variable_name(std::string_view field)
{
    for (std::string_view kept : {"Content-Length", "Content-Type", "Authorization", "Proxy-Authorization", "Proxy"})
        if (iequals(field, kept))
            return std::nullopt;
    if (field.find('_') != std::string_view::npos)
        return std::nullopt;
    std::string name = "HTTP_";
    for (char c : field)
        name.push_back(c == '-' ? '_' : (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c);
    return name;
}

std::vector<std::string> meta_variables(const MetaInput& in)
{
    std::vector<std::string> env;
    auto set = [&](std::string_view name, std::string_view value) {
        env.push_back(std::string(name) + "=" + std::string(value));
    };
    // §4.1.14/15: the server's name and port as the client addressed it (the Host field), which is
    // what a script needs to build its own URLs.
    std::string server_name(in.server_name);
    std::uint16_t server_port = in.server_port;
    if (auto host = in.request.fields.get("Host")) {
        std::string name;
        std::uint16_t port = 0;
        if (split_authority(*host, name, port) && !name.empty()) {
            server_name = name;
            server_port = port ? port : (in.https ? 443 : 80);
        }
    }
    set("GATEWAY_INTERFACE", "CGI/1.1");
    set("SERVER_SOFTWARE", "layer7");
    set("SERVER_PROTOCOL",
        "HTTP/" + std::to_string(in.request.version.major) + "." + std::to_string(in.request.version.minor));
    set("SERVER_NAME", server_name);
    set("SERVER_PORT", std::to_string(server_port));
    set("REQUEST_METHOD", in.request.method.name());
    set("REQUEST_URI", in.request.target);
    set("QUERY_STRING", in.query);  // §4.1.7: always set, "" when there is none
    set("SCRIPT_NAME", in.script_name);
    set("SCRIPT_FILENAME", in.script_filename);
    if (!in.path_info.empty())
        set("PATH_INFO", in.path_info);
    set("REMOTE_ADDR", in.remote_addr);
    set("REMOTE_PORT", std::to_string(in.remote_port));
    if (in.https)
        set("HTTPS", "on");
    if (in.content_length) {
        set("CONTENT_LENGTH", std::to_string(*in.content_length));
        if (auto type = in.request.fields.get("Content-Type"))
            set("CONTENT_TYPE", *type);
    }
    // §4.1.18: one variable per field name; repeated fields joined as the RFC 9110 §5.3 list.
    std::map<std::string, std::string> fields;
    for (Field f : in.request.fields) {
        auto name = http_variable_name(f.name);
        if (!name)
            continue;
        auto [it, fresh] = fields.try_emplace(std::move(*name), f.value);
        if (!fresh)
            (it->second += ", ") += f.value;
    }
    for (const auto& [name, value] : fields)
        set(name, value);
    // Not from the request: where the script's own tools are (§7.2 leaves the rest to the system).
    set("PATH", "/usr/local/bin:/usr/bin:/bin");
    return env;
}

}  // namespace layer7::http::cgi
